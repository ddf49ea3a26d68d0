import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { ROOT, tempDir } from './daemon';

/** The installed command: a POSIX sh shim (the native launcher when built, else bin/vm-system.js). */
export const BIN = path.join(ROOT, 'bin/vm-system');

export interface CliResult { code: number | null; stdout: string; stderr: string }

export interface CliOptions { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number }

/** Runs the installed command (bin shim → dist/cli.js) as a user would. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd: options.cwd ?? ROOT,
      // A one-off database's background daemon (a first `run` starts one) leaves soon after the test.
      env: { ...process.env, NO_COLOR: '1', VM_SYSTEM_DB: path.join(tempDir(), 'cli.db'), VM_SYSTEM_IDLE_MS: '2000', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: vm-system ${args.join(' ')}\n${stderr}`)); }, options.timeoutMs ?? 20000);
    child.on('error', reject);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    // A command that reads no input may be gone before it is closed (the native launcher takes ~3 ms).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * A database of its own for a test file, whose commands share one background
 * daemon. `stop()` (call it in `after`) stops that daemon so nothing leaks;
 * a generous idle timeout is the safety net if a test dies first.
 */
export interface CliDb {
  db: string;
  dir: string;
  env: Record<string, string>;
  run(args: string[], options?: CliOptions): Promise<CliResult>;
  /** Runs a command that must succeed with `--json` and answers its parsed output. */
  json<T = Record<string, unknown>>(args: string[], options?: CliOptions): Promise<T>;
  stop(): Promise<void>;
}

export function cliDb(extraEnv: Record<string, string> = {}): CliDb {
  const dir = tempDir('vmsys-cli-');
  const db = path.join(dir, 'cli.db');
  const env = { VM_SYSTEM_DB: db, VM_SYSTEM_IDLE_MS: '120000', ...extraEnv };
  const run = (args: string[], options: CliOptions = {}): Promise<CliResult> => runCli(args, { ...options, env: { ...env, ...options.env } });
  return {
    db, dir, env, run,
    async json(args, options) {
      const r = await run(['--json', ...args], options);
      if (r.code !== 0) throw new Error(`vm-system ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    },
    async stop() {
      const r = await run(['daemon', 'stop']);
      if (r.code !== 0) throw new Error(`daemon stop exited ${r.code}: ${r.stderr}`);
    },
  };
}

/** A long-running command (watch, rpc) whose output is awaited as it comes. */
export interface LiveCli {
  proc: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout (from index `from`) matches. */
  waitFor(pattern: RegExp, options?: { from?: number; stream?: 'stdout' | 'stderr'; timeoutMs?: number }): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): LiveCli {
  const proc = spawn(BIN, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  proc.stdin.on('error', () => undefined); // a test writing to a command that already ended
  const out = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const wake = (): void => { for (const w of [...waiters]) w(); };
  proc.stdout.on('data', (d: Buffer) => { out.stdout += d.toString(); wake(); });
  proc.stderr.on('data', (d: Buffer) => { out.stderr += d.toString(); wake(); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => { wake(); resolve(code); }));
  return {
    proc, exited,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    waitFor(pattern, { from = 0, stream = 'stdout', timeoutMs = 15000 } = {}) {
      return new Promise((resolve, reject) => {
        const done = (): void => { clearTimeout(timer); waiters.delete(check); };
        const check = (): void => {
          const match = out[stream].slice(from).match(pattern);
          if (match) { done(); resolve(match); return; }
          if (proc.exitCode !== null || proc.signalCode !== null) { done(); reject(new Error(`exited before ${pattern}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`)); }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${pattern}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`)); }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

