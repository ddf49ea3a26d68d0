/**
 * Entities of the contract as zod schemas: the schemas document the shapes
 * (docs/protocol.md is generated from them) and the TypeScript types are
 * inferred from them, so shape and type cannot drift apart.
 */
import * as z from 'zod';

/** Lowercase UUID, as every id of the contract. */
export const Id = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'expected a lowercase UUID');
/** ISO-8601 UTC time, e.g. `2026-11-25T21:06:43.123Z`. */
export const Time = z.string();

export const ENGINE = 'isolated-vm' as const;
export const Engine = z.literal(ENGINE);

export const Limits = z.strictObject({
  /** CPU time one execution may use. */
  cpuMs: z.number().int().positive(),
  /** Wall time one execution may take, awaiting included. */
  wallMs: z.number().int().positive(),
  /** Heap of the session's isolate; exceeding it crashes the session. */
  memMb: z.number().int().min(8).max(4096),
  /** Events one execution may record (input echo and closing event included). */
  maxEvents: z.number().int().positive(),
  /** Output one execution may print, in KiB: console text and `display` bundles. */
  maxOutputKb: z.number().int().positive(),
});
export type Limits = z.infer<typeof Limits>;

export const Resolver = z.strictObject({
  /** Worktree-relative folders that bare ES module specifiers resolve against. */
  roots: z.array(z.string()),
  /** Extensions tried, in order, for an import without one. */
  extensions: z.array(z.string()),
  /** Allow `/x.js` imports to mean `<worktree>/x.js`. */
  allowAbsoluteRepoImports: z.boolean(),
});
export type Resolver = z.infer<typeof Resolver>;

export const Runtime = z.strictObject({
  /** Run files as ES modules even when they end in `.js`/`.ts`. */
  esm: z.boolean(),
  /** Evaluate REPL input and files in strict mode. */
  strict: z.boolean(),
  /** Install the console shim (console events); false makes console a no-op. */
  console: z.boolean(),
});
export type Runtime = z.infer<typeof Runtime>;

/** How much history the daemon keeps (see docs/store.md). 0 means no limit. */
export const Retention = z.strictObject({
  /** The newest N executions of each session are kept; older finished ones go. */
  keepPerSession: z.number().int().min(0),
  /** Finished executions that started more than D days ago go. */
  olderThanDays: z.number().int().min(0),
  /** The whole history (events and database) stays under S MiB: the oldest finished executions go first. */
  maxMb: z.number().int().min(0),
});
export type Retention = z.infer<typeof Retention>;

/** The daemon's policy unless it is started with `--retention`. */
export const DEFAULT_RETENTION: Retention = { keepPerSession: 1000, olderThanDays: 30, maxMb: 2048 };

/** A template's own rules for its sessions' history (the size cap is the daemon's alone). */
export const TemplateRetention = Retention.pick({ keepPerSession: true, olderThanDays: true }).partial();
export type TemplateRetention = z.infer<typeof TemplateRetention>;

export const Settings = z.strictObject({
  limits: Limits, resolver: Resolver, runtime: Runtime,
  /** Overrides the daemon's retention for this template's sessions; absent fields follow the daemon. */
  retention: TemplateRetention.optional(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  limits: { cpuMs: 5000, wallMs: 30000, memMb: 128, maxEvents: 1000, maxOutputKb: 512 },
  resolver: { roots: ['.'], extensions: ['.js', '.mjs', '.ts', '.mts'], allowAbsoluteRepoImports: false },
  runtime: { esm: false, strict: false, console: true },
};

export const Template = z.object({
  id: Id,
  name: z.string(),
  engine: Engine,
  createdAt: Time,
  updatedAt: Time,
});
export type Template = z.infer<typeof Template>;

export const CapabilityKind = z.enum(['module', 'global', 'fs', 'net', 'env']);
export type CapabilityKind = z.infer<typeof CapabilityKind>;

export const Capability = z.object({
  id: Id,
  templateId: Id,
  kind: CapabilityKind,
  name: z.string(),
  enabled: z.boolean(),
  /** Free-form settings; `fs` honours `{readOnly: true}`. */
  config: z.record(z.string(), z.unknown()),
  createdAt: Time,
});
export type Capability = z.infer<typeof Capability>;

export const StartupMode = z.literal('eval');
export const StartupFile = z.object({
  id: Id,
  templateId: Id,
  /** Worktree-relative path. */
  path: z.string(),
  orderIndex: z.number().int(),
  mode: StartupMode,
  createdAt: Time,
});
export type StartupFile = z.infer<typeof StartupFile>;

export const TemplateDetail = Template.extend({
  settings: Settings,
  capabilities: z.array(Capability),
  startupFiles: z.array(StartupFile),
  /** Native modules the session may `require`: `fs`, `database`, `exec`. */
  modules: z.array(z.string()),
  /** Libraries: catalog names loaded as globals at session start (`lodash`), registry specs that `require`/`import` find (`yup@1.4.0`). */
  libraries: z.array(z.string()),
});
export type TemplateDetail = z.infer<typeof TemplateDetail>;

export const SessionStatus = z.enum(['starting', 'ready', 'crashed', 'closed']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const Session = z.object({
  id: Id,
  templateId: Id,
  workspaceId: z.string(),
  baseCommitOid: z.string(),
  /** Absolute path of the directory the session's files live in. */
  worktreePath: z.string(),
  status: SessionStatus,
  createdAt: Time,
  closedAt: Time.optional(),
  /** Why the session crashed or was closed by the daemon. */
  lastError: z.string().optional(),
});
export type Session = z.infer<typeof Session>;

export const ExecutionKind = z.enum(['repl', 'run_file', 'startup']);
export type ExecutionKind = z.infer<typeof ExecutionKind>;
export const ExecutionStatus = z.enum(['running', 'ok', 'error', 'timeout', 'cancelled', 'limit_exceeded', 'interrupted']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export const ValueType = z.enum(['undefined', 'null', 'boolean', 'number', 'bigint', 'string', 'symbol', 'function', 'array', 'object', 'date', 'regexp', 'map', 'set', 'error', 'promise']);
export type ValueType = z.infer<typeof ValueType>;

export const ValuePayload = z.object({
  type: ValueType,
  /** Reads like Node's `util.inspect`. */
  preview: z.string(),
  /** Present when the value is JSON-serialisable. */
  json: z.unknown().optional(),
});
export type ValuePayload = z.infer<typeof ValuePayload>;

export const SourceLocation = z.object({
  /** Worktree-relative path. */
  path: z.string(),
  /** 1-based. */
  line: z.number().int(),
  /** 1-based. */
  column: z.number().int(),
});
export type SourceLocation = z.infer<typeof SourceLocation>;

export const ExceptionPayload = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string(),
  /** Where it was thrown, when that is in a worktree file (source-mapped for TypeScript). */
  location: SourceLocation.optional(),
});
export type ExceptionPayload = z.infer<typeof ExceptionPayload>;

export const ConsoleLevel = z.enum(['log', 'info', 'warn', 'error', 'debug']);
export type ConsoleLevel = z.infer<typeof ConsoleLevel>;

export const ConsolePayload = z.object({
  level: ConsoleLevel,
  /** Formatted as Node's `util.format` would. */
  text: z.string(),
  /** The call site, when it is in a worktree file. */
  location: SourceLocation.optional(),
});
export type ConsolePayload = z.infer<typeof ConsolePayload>;

export const SystemPayload = z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string() });
export type SystemPayload = z.infer<typeof SystemPayload>;

export const InputEchoPayload = z.union([
  z.object({ text: z.string() }),
  z.object({ path: z.string(), args: z.record(z.string(), z.unknown()) }),
]);
export type InputEchoPayload = z.infer<typeof InputEchoPayload>;

export const DisplayPayload = z.object({
  /** A MIME bundle: MIME type → content. `text/plain` is always present; binary data (`image/png`) is base64. */
  data: z.record(z.string(), z.string()),
  /** JSON hints per MIME type, e.g. `{"image/png": {width, height}}`. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type DisplayPayload = z.infer<typeof DisplayPayload>;

export const EventType = z.enum(['input_echo', 'console', 'value', 'exception', 'system', 'display']);
export type EventType = z.infer<typeof EventType>;

/** Payload type of each event type. */
export interface EventPayloads {
  input_echo: InputEchoPayload;
  console: ConsolePayload;
  value: ValuePayload;
  exception: ExceptionPayload;
  system: SystemPayload;
  display: DisplayPayload;
}

const eventOf = <T extends EventType, P extends z.ZodType>(type: T, payload: P) => z.object({
  executionId: Id,
  /** Starts at 1, gapless per execution. */
  seq: z.number().int().positive(),
  ts: Time,
  type: z.literal(type),
  payload,
});

/** An event, discriminated by `type`: narrowing on `type` gives the payload's exact shape. */
export const Event = z.discriminatedUnion('type', [
  eventOf('input_echo', InputEchoPayload),
  eventOf('console', ConsolePayload),
  eventOf('value', ValuePayload),
  eventOf('exception', ExceptionPayload),
  eventOf('system', SystemPayload),
  eventOf('display', DisplayPayload),
]);
export type Event = z.infer<typeof Event>;
/** The event of one type (`EventOf<'console'>`). */
export type EventOf<K extends EventType> = Extract<Event, { type: K }>;

export const ExecutionMetrics = z.object({
  wallMs: z.number(),
  cpuMs: z.number(),
  events: z.number().int(),
  outputBytes: z.number().int(),
});
export type ExecutionMetrics = z.infer<typeof ExecutionMetrics>;

export const Execution = z.object({
  id: Id,
  sessionId: Id,
  kind: ExecutionKind,
  /** REPL source. */
  input: z.string().optional(),
  /** Worktree-relative path of a run_file or startup execution. */
  path: z.string().optional(),
  args: z.record(z.string(), z.unknown()),
  env: z.record(z.string(), z.unknown()),
  status: ExecutionStatus,
  startedAt: Time,
  endedAt: Time.optional(),
  result: ValuePayload.optional(),
  error: ExceptionPayload.optional(),
  metrics: ExecutionMetrics,
  /** Set on executions that `sessions/restart {replay: true}` re-ran: the id of the original. */
  replayOf: Id.optional(),
});
export type Execution = z.infer<typeof Execution>;

export const ExecutionWithEvents = Execution.extend({ events: z.array(Event) });
export type ExecutionWithEvents = z.infer<typeof ExecutionWithEvents>;

/** 1-based inclusive line ranges `[first, last]`. */
const LineRanges = z.array(z.tuple([z.number().int().positive(), z.number().int().positive()]));

/**
 * Which lines of a run file ran (V8's precise block coverage, mapped back
 * through the TypeScript source map): a line ran when any of its code ran, did
 * not run when none of it did; blank lines are in neither list. `skipped`
 * says why there is no coverage (then both lists are empty).
 */
export const LineCoverage = z.object({
  path: z.string(),
  ran: LineRanges,
  notRun: LineRanges,
  skipped: z.string().optional(),
});
export type LineCoverage = z.infer<typeof LineCoverage>;

export const CompletionItem = z.object({
  label: z.string(),
  /** `property`, `function`, `variable`, `keyword`, `class`. */
  kind: z.string(),
});
export type CompletionItem = z.infer<typeof CompletionItem>;
