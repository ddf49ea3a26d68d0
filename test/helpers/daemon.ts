/**
 * startDaemon(): spawns the real daemon (dist/cli.js serve --stdio) on a
 * temp database and returns a typed client built on vscode-jsonrpc.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, type MessageConnection } from 'vscode-jsonrpc/node';
import { TolerantWriter } from '../../client/tolerant-writer';
import { tempDir } from './temp';
import * as z from 'zod';
import { errorCodeOf, ExecutionEventNotification, Initialize, type Event, type ParamsOf, type RequestDef, type ResultOf, type ErrorCode } from '../../server/protocol';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');
/** The daemon bundle (what `vm-system serve` runs). */
export const DAEMON = path.join(ROOT, 'dist/daemon.js');

export interface StartOptions {
  dbPath?: string;
  /** Skip initialize (lifecycle tests). */
  initialize?: boolean;
  initParams?: ParamsOf<typeof Initialize>;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export interface PushedEvent { sessionId: string; executionId: string; event: Event }

export interface TestDaemon {
  proc: ChildProcessWithoutNullStreams;
  connection: MessageConnection;
  dbPath: string;
  dir: string;
  stderr(): string;
  /** Typed request; rejects with the JSON-RPC error. */
  call<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>>;
  /** Events pushed as executions/event, in arrival order (tests must not register their own listener for them: vscode-jsonrpc keeps one per method). */
  events: Array<{ sessionId: string; executionId: string; event: Event }>;
  /** The first pushed event, already arrived or still to come, that `match` accepts. */
  waitForEvent(match: (n: PushedEvent) => boolean): Promise<PushedEvent>;
  /** The input echo of the execution `input` started in the session: from then on it runs (and holds the session). */
  running(sessionId: string, input: string): Promise<PushedEvent>;
  exited: Promise<number | null>;
  /** shutdown + exit, waits for the process. */
  stop(): Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export { tempDir };

/** A worktree folder with the given files (relative path → content). */
export function makeWorktree(files: Record<string, string> = {}): string {
  const dir = tempDir('vmsys-wt-');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

export async function startDaemon(options: StartOptions = {}): Promise<TestDaemon> {
  const dir = tempDir();
  const dbPath = options.dbPath ?? path.join(dir, 'test.db');
  const proc = spawn(process.execPath, [DAEMON, 'serve', '--stdio', '--db', dbPath, ...(options.extraArgs ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  // A grandchild that inherited stderr must not keep this test process alive after the daemon is gone.
  proc.once('exit', () => setTimeout(() => { proc.stdout.destroy(); proc.stderr.destroy(); proc.stdin.destroy(); }, 1000).unref());
  const connection = createMessageConnection(new StreamMessageReader(proc.stdout), new TolerantWriter(proc.stdin));
  const events: TestDaemon['events'] = [];
  const waiters = new Set<{ match: (n: PushedEvent) => boolean; resolve: (n: PushedEvent) => void }>();
  connection.onNotification(ExecutionEventNotification.type, (n) => {
    events.push(n);
    for (const w of waiters) if (w.match(n)) { waiters.delete(w); w.resolve(n); }
  });
  const waitForEvent = (match: (n: PushedEvent) => boolean) => new Promise<PushedEvent>((resolve) => {
    const seen = events.find(match);
    if (seen) resolve(seen);
    else waiters.add({ match, resolve });
  });
  connection.onError(() => undefined);
  connection.listen();
  const daemon: TestDaemon = {
    proc, connection, dbPath, dir, events, exited, waitForEvent,
    running: (sessionId, input) => waitForEvent((n) => n.sessionId === sessionId && n.event.type === 'input_echo' && (n.event.payload as { text?: unknown }).text === input),
    stderr: () => stderr,
    call: (def, params) => connection.sendRequest(def.type, params as never) as never,
    async stop() {
      if (proc.exitCode === null) {
        await connection.sendRequest('shutdown').catch(() => undefined);
        await connection.sendNotification('exit').catch(() => undefined);
      }
      const code = await withTimeout(exited, 10000, () => proc.kill('SIGKILL'));
      connection.dispose();
      return code;
    },
    async kill(signal = 'SIGKILL') {
      proc.kill(signal);
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
  if (options.initialize !== false) {
    await daemon.call(Initialize, options.initParams ?? { processId: process.pid, clientInfo: { name: 'test' } });
  }
  return daemon;
}

async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  const timer = setTimeout(onTimeout, ms);
  try { return await p; } finally { clearTimeout(timer); }
}

/** Awaits a rejection and returns its contract error code (and the error). */
export async function errorOf(p: Promise<unknown>): Promise<{ code: ErrorCode | undefined; error: { code?: number; message: string; data?: { details?: Record<string, unknown> } } }> {
  try {
    await p;
  } catch (error) {
    return { code: errorCodeOf(error), error: error as never };
  }
  throw new Error('expected the request to fail');
}

import { SessionsCreate, TemplatesCreate, TemplatesList, TemplatesUpdateSettings, type Session, type Settings } from '../../server/protocol';

/** A ready session on a fresh worktree; a new template when settings are given, else `default`. */
export async function openSession(
  daemon: TestDaemon,
  files: Record<string, string> = {},
  settings?: { limits?: Partial<Settings['limits']>; runtime?: Partial<Settings['runtime']>; resolver?: Partial<Settings['resolver']> },
): Promise<{ session: Session; worktree: string; templateId: string }> {
  const worktree = makeWorktree(files);
  let templateId: string;
  if (settings) {
    templateId = (await daemon.call(TemplatesCreate, { name: `t-${Math.random().toString(36).slice(2, 8)}` })).id;
    await daemon.call(TemplatesUpdateSettings, { templateId, ...settings });
  } else {
    templateId = (await daemon.call(TemplatesList, { name: 'default' })).templates[0].id;
  }
  const session = await daemon.call(SessionsCreate, { templateId, worktreePath: worktree });
  return { session, worktree, templateId };
}
