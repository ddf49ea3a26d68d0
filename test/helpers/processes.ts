/** Waiting for states the tests cannot subscribe to: a child process's exit, a file appearing, a daemon going idle. */
import { existsSync, readFileSync } from 'node:fs';

/** Polls `condition` until true (no fixed sleeps in tests: wait for the state). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 15000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** No such process, or a zombie (killed, waiting for a parent that may never reap it, e.g. PID 1 in a container). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /\)\s+Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return existsSync('/proc'); // gone meanwhile; without /proc (macOS) the kill answer stands
  }
}
