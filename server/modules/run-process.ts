/**
 * One bounded child process for the `exec` module: no shell, its own process
 * group (so a kill reaches whatever it started), output capped, and SIGKILL to
 * the whole group on timeout, on abort, when the output cap is reached, and
 * when the command itself exits (no process outlives its run).
 *
 * Limits of this: a program that leaves the group (setsid) escapes the kill,
 * and children of a runtime host that is SIGKILLed are not reaped by it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeError } from './errors';

export interface RunSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Kill after this long; undefined: only the abort signal ends it. */
  timeoutMs?: number;
  /** stdout + stderr bytes kept; reaching it kills the command. */
  maxOutputBytes: number;
  signal: AbortSignal;
  /** Live children of the session, so they can be killed when it ends. */
  children: Set<ChildProcess>;
}

export interface RunResult {
  /** Exit code; null when a signal ended the command. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** `timeoutMs` passed and the command was killed. */
  timedOut: boolean;
  /** The output reached the cap and the command was killed. */
  truncated: boolean;
}

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

export function runProcess(spec: RunSpec): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (spec.signal.aborted) {
      reject(new Error('The execution is stopping'));
      return;
    }
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd, env: spec.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    spec.children.add(child);
    const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
    let kept = 0;
    let truncated = false;
    let timedOut = false;
    let settled = false;

    const collect = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (truncated) return;
      const room = spec.maxOutputBytes - kept;
      if (chunk.length > room) {
        out[name].push(chunk.subarray(0, room));
        kept = spec.maxOutputBytes;
        truncated = true;
        killGroup(child);
        return;
      }
      out[name].push(chunk);
      kept += chunk.length;
    };
    child.stdout!.on('data', collect('stdout'));
    child.stderr!.on('data', collect('stderr'));

    const onAbort = () => killGroup(child);
    spec.signal.addEventListener('abort', onAbort, { once: true });
    const timer = spec.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, spec.timeoutMs);

    const finish = () => {
      settled = true;
      if (timer) clearTimeout(timer);
      spec.signal.removeEventListener('abort', onAbort);
      spec.children.delete(child);
    };
    // The command is done: whatever it left running in its group goes too (and releases the pipes).
    child.on('exit', () => killGroup(child));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      finish();
      killGroup(child);
      // spawn failures (ENOENT, EACCES) in the shape the fs module uses.
      const code = typeof err.code === 'string' ? err.code : 'EIO';
      const description = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : err.message;
      reject(nodeError(code, description, 'spawn', spec.command));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      finish();
      resolve({
        code, signal,
        stdout: Buffer.concat(out.stdout).toString('utf8'),
        stderr: Buffer.concat(out.stderr).toString('utf8'),
        timedOut, truncated,
      });
    });
  });
}
