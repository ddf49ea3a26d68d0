/** Builders and temp dirs shared by the store tests (real sql.js, real files). */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { DEFAULT_SETTINGS, type Capability, type Event, type Execution, type Session, type StartupFile, type TemplateDetail } from '../../server/protocol';

type TestContext = { after(fn: () => unknown): void };
const cleanups = new WeakMap<TestContext, Array<() => unknown>>();

/** Runs `fn` when the test ends, last registered first (so a store closes before its directory goes). */
export function defer(t: TestContext, fn: () => unknown): void {
  let list = cleanups.get(t);
  if (!list) {
    const fns: Array<() => unknown> = [];
    list = fns;
    cleanups.set(t, fns);
    t.after(async () => {
      for (const f of fns.reverse()) await f();
    });
  }
  list.push(fn);
}

export function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-store-'));
  defer(t, () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * What a kill -9 at this moment would leave on disk, as a copy in a new
 * directory (the store that wrote it keeps running, so it must not share
 * files with the one that reopens). The journal is copied before the image:
 * a checkpoint renames the image before it rotates the journal, so this
 * order always yields a pair a real crash could leave.
 */
export function crashCopy(t: TestContext, dbPath: string): string {
  const copy = path.join(tempDir(t), path.basename(dbPath));
  for (const suffix of ['.journal', '']) {
    if (fs.existsSync(dbPath + suffix)) fs.copyFileSync(dbPath + suffix, copy + suffix);
  }
  // The event segments are files of the database too.
  if (fs.existsSync(`${dbPath}.events`)) fs.cpSync(`${dbPath}.events`, `${copy}.events`, { recursive: true });
  return copy;
}

/** Distinct, increasing ISO times (ms resolution) so ordering never ties by accident. */
let clock = Date.parse('2026-01-01T00:00:00.000Z');
export function iso(): string {
  clock += 1;
  return new Date(clock).toISOString();
}

export function template(over: Partial<TemplateDetail> = {}): TemplateDetail {
  const at = iso();
  return {
    id: randomUUID(), name: 'default', engine: 'isolated-vm', createdAt: at, updatedAt: at,
    settings: structuredClone(DEFAULT_SETTINGS), capabilities: [], startupFiles: [], modules: [], libraries: [], ...over,
  };
}

export function capability(templateId: string, over: Partial<Capability> = {}): Capability {
  return { id: randomUUID(), templateId, kind: 'fs', name: 'fs', enabled: true, config: { readOnly: true }, createdAt: iso(), ...over };
}

export function startupFile(templateId: string, over: Partial<StartupFile> = {}): StartupFile {
  return { id: randomUUID(), templateId, path: 'init.js', orderIndex: 0, mode: 'eval', createdAt: iso(), ...over };
}

export function session(over: Partial<Session> = {}): Session {
  return {
    id: randomUUID(), templateId: randomUUID(), workspaceId: 'ws', baseCommitOid: '', worktreePath: '/tmp/wt',
    status: 'ready', createdAt: iso(), ...over,
  };
}

export function execution(sessionId: string, over: Partial<Execution> = {}): Execution {
  return {
    id: randomUUID(), sessionId, kind: 'repl', input: '1 + 1', args: {}, env: {}, status: 'running', startedAt: iso(),
    metrics: { wallMs: 0, cpuMs: 0, events: 0, outputBytes: 0 }, ...over,
  };
}

export function finished(e: Execution, over: Partial<Execution> = {}): Execution {
  return {
    ...e, status: 'ok', endedAt: iso(), result: { type: 'number', preview: '2', json: 2 },
    metrics: { wallMs: 1.5, cpuMs: 0.25, events: 3, outputBytes: 5 }, ...over,
  };
}

/** The ~3 events of a typical REPL execution. */
export function events(executionId: string, from = 1, count = 3): Event[] {
  const out: Event[] = [];
  for (let i = 0; i < count; i++) {
    const seq = from + i;
    out.push(seq === 1
      ? { executionId, seq, ts: iso(), type: 'input_echo', payload: { text: '1 + 1' } }
      : { executionId, seq, ts: iso(), type: 'console', payload: { level: 'log', text: `line ${seq}` } });
  }
  return out;
}

/** Collects `log` lines. */
export function logger(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/**
 * One round of a kill -9 test: runs a writer script (with tsx) until it prints
 * `ready`, kills it with SIGKILL `killAfterMs` later, and hands every other
 * line it printed to `onLine`. Rejects when the writer ended any other way.
 */
export function killedWriterRound(script: string, args: string[], killAfterMs: number, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let ready = false;
    proc.stderr.on('data', (d) => { stderr += d; });
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
      if (line !== 'ready') return onLine(line);
      ready = true;
      setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    });
    proc.on('exit', (code, signal) => {
      if (!ready || signal !== 'SIGKILL') reject(new Error(`writer ended with ${signal ?? code} (ready=${ready}): ${stderr}`));
      else resolve();
    });
  });
}
