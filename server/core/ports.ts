/**
 * The ports through which the core reaches the world. The core imports no
 * I/O library: the daemon composes it with adapters from server/store,
 * server/runtime and server/files (see createCore).
 */
import type {
  Capability, CompletionItem, Event, ExceptionPayload, Execution, ExecutionKind,
  LineCoverage, Limits, Resolver, Runtime, Session, SessionStatus, Settings, StartupFile, Template,
  TemplateDetail, ValuePayload,
} from '../protocol';

// ---------------------------------------------------------------- store

export interface ExecutionPage { sessionId: string; limit: number; beforeId?: string }
export interface EventPage { executionId: string; afterSeq: number; limit: number }
export interface CompactOptions { olderThanDays?: number; keepPerSession?: number; now: string }

/**
 * One background pass of the retention policy (journaled like every write,
 * so replay deletes the same rows). 0 (or absent) means no limit. A
 * template's own rules replace the defaults for its sessions; `maxBytes` caps
 * the whole history, oldest first. At most `limit` executions go per pass.
 */
export interface RetentionPlan {
  now: string;
  keepPerSession: number;
  olderThanDays: number;
  maxBytes: number;
  templates: Record<string, { keepPerSession?: number; olderThanDays?: number }>;
  limit: number;
}
export interface RetentionResult { deletedExecutions: number; deletedEvents: number; /** more is due than `limit` allowed */ more: boolean }

/**
 * Durable state. Reads and writes are synchronous against the in-memory
 * database; `flush()` is the durability barrier: when it resolves, every write
 * made before the call survives a kill -9 of the daemon. Callers flush before
 * they acknowledge a request; concurrent flushes are grouped.
 */
export interface StorePort {
  readonly path: string;

  insertTemplate(detail: TemplateDetail): void;
  listTemplates(name?: string): Template[];
  getTemplate(id: string): TemplateDetail | undefined;
  /** Cascades to settings, capabilities, startup files, modules, libraries. */
  deleteTemplate(id: string): boolean;
  updateTemplate(id: string, patch: { settings?: Settings; modules?: string[]; libraries?: string[]; updatedAt: string }): void;
  /** The installed tree of a library spec (insert or replace). */
  putLibrary(library: InstalledLibrary): void;
  getLibrary(spec: string): InstalledLibrary | undefined;
  listLibraries(): InstalledLibrary[];
  insertCapability(capability: Capability): void;
  insertStartupFile(file: StartupFile): void;
  deleteStartupFile(templateId: string, startupFileId: string): boolean;

  /** Insert or replace. */
  putSession(session: Session): void;
  getSession(id: string): Session | undefined;
  /** Newest first. */
  listSessions(status?: SessionStatus): Session[];

  /** Inserts a new execution with its first events, as one write. */
  startExecution(execution: Execution, events: Event[]): void;
  /** Records how a started execution ended (status, endedAt, result, error, metrics); the rest of its row stays. */
  finishExecution(execution: Execution): void;
  getExecution(id: string): Execution | undefined;
  /** Newest first; `beforeId` excludes it and everything newer. */
  listExecutions(page: ExecutionPage): Execution[];
  /** Executions of a session, oldest first, optionally filtered by status and kind. */
  listSessionHistory(sessionId: string): Execution[];
  appendEvents(events: Event[]): void;
  listEvents(page: EventPage): Event[];
  /** Marks `running` executions `interrupted` and `starting`/`ready` sessions `closed`; answers how many of each. */
  recoverAfterRestart(now: string, reason: string): { sessions: number; executions: number };
  compact(options: CompactOptions): { deletedExecutions: number; deletedEvents: number };
  applyRetention(plan: RetentionPlan): RetentionResult;
  /** Bytes of recorded history: the events in segments plus the database image. */
  historyBytes(): number;

  flush(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- files

export type PathCheck =
  | { ok: true; absolutePath: string; relativePath: string }
  | { ok: false; code: 'INVALID_PATH' | 'FILE_NOT_FOUND'; message: string };

/** The worktree file system as the core needs it: path safety. */
export interface FilesPort {
  /** Is this an absolute path of an existing directory? */
  isDirectory(path: string): boolean;
  /** Syntax only (no file system): relative, no `..`, not absolute. */
  checkRelativePath(path: string): { ok: true; normalized: string } | { ok: false; message: string };
  /** Resolves a worktree-relative path to an existing regular file inside the worktree (symlinks followed and checked). */
  resolveFile(worktreePath: string, relativePath: string): PathCheck;
  /**
   * Like resolveFile, for a file whose text the caller supplies: it need not
   * exist, but the folder it would be in must resolve inside the worktree.
   */
  resolveTarget(worktreePath: string, relativePath: string): PathCheck;
}

/** Git facts about a worktree. */
export interface GitPort {
  /** The worktree's git HEAD commit, or "" when it is not a git checkout. */
  head(worktreePath: string): string;
}

// ---------------------------------------------------------------- runtime

/** Everything a runtime needs to build a session's isolate. */
export interface SessionSpec {
  sessionId: string;
  worktreePath: string;
  settings: Settings;
  /** Enabled native modules (`fs`, `database`, `exec`). */
  modules: string[];
  capabilities: Capability[];
  /** Resolved libraries, in order: catalog files to evaluate at start, registry packages to resolve imports in. */
  libraries: ResolvedLibrary[];
}

export interface ExecRequest {
  sessionId: string;
  executionId: string;
  kind: ExecutionKind;
  /** REPL source (kind `repl`). */
  code?: string;
  /** Worktree-relative path (kinds `run_file`, `startup`), already checked by the core. */
  path?: string;
  /** The text to run as if `path` held it (an editor's unsaved buffer); the file is not read then. */
  content?: string;
  /** run_file: measure which lines of the file ran (V8 precise coverage); answered in the outcome. */
  coverage?: boolean;
  args: Record<string, unknown>;
  env: Record<string, unknown>;
  limits: Limits;
  resolver: Resolver;
  runtime: Runtime;
  /** Events the core already recorded for this execution (the input echo); they count toward maxEvents. */
  eventsUsed: number;
}

/** An event of the contract before the core numbers it (no executionId, no seq), still discriminated by type. */
export type UnnumberedEvent = Event extends infer E ? E extends Event ? Omit<E, 'executionId' | 'seq'> : never : never;
/** Events without seq: the core numbers them in arrival order (the input echo is the core's own). */
export type RuntimeEvent = Exclude<UnnumberedEvent, { type: 'input_echo' }>;

export interface ExecSink {
  /** Called in order, as events happen; never synchronously from within `execute()`. */
  event(event: RuntimeEvent): void;
  /** `prompt(message)` in session code; resolves to the client's answer or null. */
  prompt(message: string): Promise<string | null>;
}

export interface ExecOutcome {
  status: 'ok' | 'error' | 'timeout' | 'cancelled' | 'limit_exceeded';
  result?: ValuePayload;
  error?: ExceptionPayload;
  cpuMs: number;
  wallMs: number;
  /**
   * Bytes of console text and display data the execution emitted, counted once,
   * by the runtime as it admits each event against `maxOutputKb`; absent when
   * the runtime died with the count (its host crashed).
   */
  outputBytes?: number;
  /** Set when the session's runtime is gone (memory limit, host death): the core marks it crashed with this text. */
  sessionCrashed?: string;
  /** For limit_exceeded: which limit (`maxEvents` or `maxOutputKb`). */
  limit?: 'maxEvents' | 'maxOutputKb';
  /** The code was refused before it ran (an ES module import leaving the worktree): the request answers this code. */
  refused?: { code: 'INVALID_PATH'; message: string };
  /** When the request asked for coverage (and the run got far enough to measure it). */
  coverage?: LineCoverage;
}

/**
 * A session's runtime could not start. The one start-up error: thrown where the
 * start fails (in the runtime host), carried over IPC as its message and code,
 * thrown again as itself by the runtime port; the core maps the code.
 */
export class RuntimeStartError extends Error {
  constructor(message: string, readonly code: 'STARTUP_FAILED' | 'LIBRARY_NOT_CACHED' = 'STARTUP_FAILED') { super(message); }
}

export interface RuntimeSummary {
  hosts: Array<{ pid: number; sessionIds: string[]; rssMb: number }>;
  sessions: Array<{ sessionId: string; heapUsedMb: number; cpuMs: number }>;
}

/** Live isolates. Implemented by server/runtime (isolates in runtime-host child processes). */
export interface RuntimeIdentity { node: string; isolatedVm: string; platform: string }

export interface RuntimePort {
  /** Builds the isolate; rejects with RuntimeStartError when that fails (nothing stays alive then). */
  createSession(spec: SessionSpec): Promise<void>;
  /** Runs one execution; never rejects for anything the code does (that is an outcome). */
  execute(request: ExecRequest, sink: ExecSink): Promise<ExecOutcome>;
  /** Stops a running execution: its execute() resolves with status `cancelled`. No-op when not running. */
  cancel(sessionId: string, executionId: string): void;
  complete(sessionId: string, code: string, cursor: number): Promise<CompletionItem[]>;
  /** The value `code` would have, evaluated without side effects (none when that cannot be proven, or the session is busy). */
  preview(sessionId: string, code: string): Promise<ValuePayload | undefined>;
  /** Disposes the isolate; no-op for unknown sessions. */
  closeSession(sessionId: string): Promise<void>;
  /** Called when a session's runtime dies outside an execution (host crash, memory). */
  onSessionLost(listener: (sessionId: string, reason: string) => void): void;
  summary(): Promise<RuntimeSummary>;
  /** What runs the sessions: Node version, isolated-vm release, platform-arch (ops/health). */
  identity(): RuntimeIdentity;
  /** Disposes every isolate and ends the runtime-host processes. */
  shutdown(): Promise<void>;
}

// ---------------------------------------------------------------- clock & ids

export interface ClockPort { now(): Date; }
export interface IdPort { newId(): string; }

// ---------------------------------------------------------------- libraries

/**
 * A library as a session loads it: a catalog library is a file evaluated at
 * start that defines `global`; a registry library is an installed tree
 * (`root/node_modules/<name>`) that `require`/`import` resolve in.
 */
export interface ResolvedLibrary { name: string; version: string; global?: string; file?: string; root?: string }

/** One package of an installed tree. */
export interface TreePackage { name: string; version: string; integrity: string; /** Folder relative to the tree's root (`node_modules/yup`). */ path: string }

/** What `libraries/install` recorded for a spec: sessions of templates naming `spec` load exactly this. */
export interface InstalledLibrary {
  /** As the template names it (`yup@1.4.0`, `ms`, `lodash`). */
  spec: string;
  name: string;
  version: string;
  integrity: string;
  /** The tree's root in the cache: `path/node_modules/<name>` (a catalog library: its package folder). */
  path: string;
  sizeKb: number;
  /** The package first, then its production dependencies; empty for a catalog library. */
  tree: TreePackage[];
  installedAt: string;
}

/** The library catalog and its local cache (server/libraries). */
export interface LibrariesPort {
  /** The catalog with a `cached` flag per entry. */
  catalog(): Array<{ name: string; version: string; global: string; description: string; cached: boolean }>;
  /** Canonical name for `lodash` / `lodash@4.17.21`, or undefined when not in the catalog. */
  canonicalName(name: string): string | undefined;
  /** The cached file of a library, or undefined when it is not cached. */
  resolve(name: string): ResolvedLibrary | undefined;
  /** Fetches catalog libraries (`lodash`, `lodash@4.17.21`); already cached ones are not fetched again (integrity '' then). */
  install(names: string[], progress?: (message: string, percentage: number) => void): Promise<Array<{ name: string; version: string; path: string; integrity: string; sizeKb: number }>>;
  /** Resolves a registry spec, fetches the package and its production dependency tree (every tarball checked) into a new tree in the cache. */
  installPackage(spec: string, progress?: (message: string) => void): Promise<Omit<InstalledLibrary, 'spec' | 'installedAt'>>;
  /** Is an installed tree (or catalog package folder) still in the cache? */
  hasTree(path: string): boolean;
}

// ---------------------------------------------------------------- process

/** Facts about the daemon process, for ops/health and ops/runtimeSummary. */
export interface ProcessPort {
  pid: number;
  version: string;
  startedAt: Date;
  rssMb(): number;
}

// ---------------------------------------------------------------- watching

export interface FileWatch {
  /** Resolves once changes are being observed (the watcher's initial scan is done). */
  ready: Promise<void>;
  /** Replaces the set of absolute paths watched. */
  update(paths: string[]): void;
  close(): Promise<void>;
}

/** File change notifications (chokidar in server/files). */
export interface WatcherPort {
  watch(paths: string[], onChange: (path: string) => void): FileWatch;
  /** Worktree-relative files a file imports, transitively (static `import`/`require` of relative paths). */
  dependenciesOf(worktreePath: string, relativePath: string, extensions: string[]): string[];
}
