/**
 * Test helpers for the runtime: a real createRuntime() with real host
 * processes and isolates (no mocks), short limits, temp worktrees.
 */
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { createRuntime, type RuntimeOptions } from '../../server/runtime';
import type { ExecOutcome, ExecRequest, RuntimeEvent, RuntimePort, SessionSpec } from '../../server/core/ports';
import { DEFAULT_SETTINGS, type Limits, type Settings } from '../../server/protocol';
import { tempDir } from '../helpers/temp';

const ROOT = path.resolve(__dirname, '../..');
export const HOST_SCRIPT = path.join(ROOT, 'dist/runtime-host.js');

/** The tests need the bundled host; `npm test` builds it, this covers a bare `node --test`. */
function ensureBuilt(): void {
  if (existsSync(HOST_SCRIPT) && existsSync(path.join(ROOT, 'dist/isolate-bootstrap.js'))) return;
  const node = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, logLevel: 'warning' as const };
  buildSync({ ...node, entryPoints: [path.join(ROOT, 'server/runtime/host/main.ts')], outfile: HOST_SCRIPT, external: ['isolated-vm', 'esbuild'] });
  buildSync({ ...node, platform: 'neutral', format: 'iife', mainFields: ['browser', 'module', 'main'], entryPoints: [path.join(ROOT, 'server/runtime/isolate/bootstrap.ts')], outfile: path.join(ROOT, 'dist/isolate-bootstrap.js') });
}

export function settings(limits: Partial<Limits> = {}, runtime: Partial<Settings['runtime']> = {}): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  Object.assign(s.limits, { wallMs: 300, cpuMs: 300, memMb: 64 }, limits);
  Object.assign(s.runtime, runtime);
  return s;
}

export function tempWorktree(files: Record<string, string> = {}): string {
  const dir = tempDir('vms-rt-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Run {
  outcome: ExecOutcome;
  events: RuntimeEvent[];
  /** Console texts in order. */
  logs: string[];
  request: ExecRequest;
}

export interface RunOptions {
  limits?: Partial<Limits>;
  kind?: ExecRequest['kind'];
  args?: Record<string, unknown>;
  env?: Record<string, unknown>;
  runtime?: Partial<Settings['runtime']>;
  prompt?: (message: string) => Promise<string | null>;
  /** Called with the request once execute() started (e.g. to cancel it). */
  onStart?: (request: ExecRequest) => void;
  /** Called with each event as it arrives. */
  onEvent?: (event: RuntimeEvent) => void;
}

export class TestSession {
  constructor(readonly rt: RuntimePort, readonly id: string, readonly spec: SessionSpec) {}

  request(code: string | undefined, options: RunOptions = {}, path?: string): ExecRequest {
    const base = this.spec.settings;
    return {
      sessionId: this.id,
      executionId: randomUUID(),
      kind: options.kind ?? (path ? 'run_file' : 'repl'),
      code,
      path,
      args: options.args ?? {},
      env: options.env ?? {},
      limits: { ...base.limits, ...options.limits },
      resolver: base.resolver,
      runtime: { ...base.runtime, ...options.runtime },
      eventsUsed: 1,
    };
  }

  async exec(request: ExecRequest, options: RunOptions = {}): Promise<Run> {
    const events: RuntimeEvent[] = [];
    const promise = this.rt.execute(request, {
      event: (e) => {
        events.push(e);
        options.onEvent?.(e);
      },
      prompt: options.prompt ?? (async () => null),
    });
    options.onStart?.(request);
    const outcome = await promise;
    const logs = events.filter((e) => e.type === 'console').map((e) => (e.payload as { text: string }).text);
    return { outcome, events, logs, request };
  }

  run(code: string, options: RunOptions = {}): Promise<Run> {
    return this.exec(this.request(code, options), options);
  }

  runFile(file: string, options: RunOptions = {}): Promise<Run> {
    return this.exec(this.request(undefined, options, file), options);
  }

  /** The value preview of `code`, failing loudly when it did not end ok. */
  async value(code: string): Promise<string> {
    const r = await this.run(code);
    if (r.outcome.status !== 'ok') throw new Error(`${code} → ${r.outcome.status}: ${JSON.stringify(r.outcome.error ?? r.events)}`);
    return r.outcome.result!.preview;
  }
}

export class TestRuntime {
  readonly rt: RuntimePort;
  readonly worktrees: string[] = [];
  readonly lost: Array<{ sessionId: string; reason: string }> = [];
  readonly logLines: string[] = [];

  constructor(options: RuntimeOptions = {}) {
    ensureBuilt();
    this.rt = createRuntime({ hostScript: HOST_SCRIPT, log: (l) => this.logLines.push(l), ...options });
    this.rt.onSessionLost((sessionId, reason) => this.lost.push({ sessionId, reason }));
  }

  async session(opts: { files?: Record<string, string>; settings?: Settings; worktree?: string; libraries?: SessionSpec['libraries']; modules?: string[] } = {}): Promise<TestSession> {
    const worktreePath = opts.worktree ?? tempWorktree(opts.files);
    if (!opts.worktree) this.worktrees.push(worktreePath);
    const spec: SessionSpec = {
      sessionId: randomUUID(), worktreePath, settings: opts.settings ?? settings(),
      modules: opts.modules ?? [], capabilities: [], libraries: opts.libraries ?? [],
    };
    await this.rt.createSession(spec);
    return new TestSession(this.rt, spec.sessionId, spec);
  }

  async close(): Promise<void> {
    await this.rt.shutdown();
    for (const dir of this.worktrees) removeDir(dir);
  }
}

export function closing(run: Run): RuntimeEvent {
  return run.events[run.events.length - 1];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One runtime with one default session for a whole test file: built in `before`, closed in `after`. */
export function fileSession(): { readonly rt: TestRuntime; readonly s: TestSession } {
  let rt: TestRuntime | undefined;
  let s: TestSession | undefined;
  before(async () => {
    rt = new TestRuntime();
    s = await rt.session();
  });
  after(() => rt?.close());
  return {
    get rt() { return rt!; },
    get s() { return s!; },
  };
}
