/**
 * One owner per database: `<db>.lock`, a JSON file naming the owner's pid and
 * socket. Synchronous, because the daemon takes it before anything else.
 *
 * - Taking it is atomic: the content is written to a private temp file, then
 *   hard-linked to the lock name (link(2) fails if the name exists), so a
 *   reader never sees a half-written lock. File systems without hard links
 *   fall back to an O_EXCL create.
 * - A lock whose pid is dead is stale. Removing it is serialised by a second
 *   O_EXCL file (`<db>.lock.takeover`), and re-checked under it: two daemons
 *   that both found the same stale lock cannot both take it over, and neither
 *   removes a fresh lock the other just took.
 * - release() removes the lock only while it still carries our nonce.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveDbPath } from './durable-files';

export interface LockHolder { pid: number; socketPath?: string }
export type LockResult = { ok: true; release(): void } | { ok: false; holder: LockHolder };

interface LockFile { pid: number; socketPath?: string; nonce: string; acquiredAt: string }

/** Lock files this process holds: a lock naming our own pid that we do not hold is a previous process's (pid reuse in containers). */
const heldHere = new Set<string>();

/** A takeover file older than this was left by a process that died inside the few microseconds it holds it. */
const TAKEOVER_ABANDONED_MS = 10_000;
/** An unreadable lock this young may still be being written (O_EXCL fallback); give its writer time. */
const UNREADABLE_GRACE_MS = 2_000;

export function lockPathFor(dbPath: string): string {
  return `${resolveDbPath(dbPath)}.lock`;
}

export function acquireDatabaseLock(dbPath: string, info: LockHolder): LockResult {
  const lockPath = lockPathFor(dbPath);
  const nonce = randomUUID();
  const content: LockFile = { pid: info.pid, nonce, acquiredAt: new Date().toISOString(), ...(info.socketPath !== undefined && { socketPath: info.socketPath }) };
  const text = `${JSON.stringify(content)}\n`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true, mode: 0o700 });

  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (tryCreate(lockPath, text)) {
      heldHere.add(lockPath);
      return { ok: true, release: () => release(lockPath, nonce) };
    }
    const seen = readLock(lockPath);
    if (seen === undefined) continue; // released in between: try again
    if (seen.lock && isAlive(seen.lock.pid, lockPath)) {
      return { ok: false, holder: { pid: seen.lock.pid, ...(seen.lock.socketPath !== undefined && { socketPath: seen.lock.socketPath }) } };
    }
    if (!seen.lock && Date.now() - seen.mtimeMs < UNREADABLE_GRACE_MS) { sleep(5); continue; }
    // Stale: its owner is dead (or it is unreadable and old). Remove it if it is still the same file.
    if (!removeIfUnchanged(lockPath, seen.raw)) sleep(2);
  }
  throw new Error(`could not take the database lock ${lockPath}: it kept changing for 5 s`);
}

function tryCreate(lockPath: string, text: string): boolean {
  const tmp = `${lockPath}.${process.pid}.${randomUUID()}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  try {
    fs.linkSync(tmp, lockPath);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    return createExclusive(lockPath, text);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Fallback for file systems without hard links. */
function createExclusive(lockPath: string, text: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

interface Seen { raw: string; mtimeMs: number; lock?: LockFile }

function readLock(lockPath: string): Seen | undefined {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = fs.readFileSync(lockPath, 'utf8');
    mtimeMs = fs.statSync(lockPath).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockFile>;
    if (typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return { raw, mtimeMs, lock: parsed as LockFile };
    }
  } catch { /* unreadable: judged by age */ }
  return { raw, mtimeMs };
}

function isAlive(pid: number, lockPath: string): boolean {
  if (pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user; still a live owner.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Under the takeover mutex, deletes the lock only if its content is still `expected`. Answers false when the mutex was busy. */
function removeIfUnchanged(lockPath: string, expected: string): boolean {
  const mutex = `${lockPath}.takeover`;
  let fd: number;
  try {
    fd = fs.openSync(mutex, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (Date.now() - fs.statSync(mutex).mtimeMs > TAKEOVER_ABANDONED_MS) fs.rmSync(mutex, { force: true });
    } catch { /* gone already */ }
    return false;
  }
  try {
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    let current: string | undefined;
    try {
      current = fs.readFileSync(lockPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (current === expected) fs.rmSync(lockPath, { force: true });
    return true;
  } finally {
    fs.rmSync(mutex, { force: true });
  }
}

function release(lockPath: string, nonce: string): void {
  heldHere.delete(lockPath);
  try {
    const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockFile>;
    if (current.nonce === nonce) fs.rmSync(lockPath, { force: true });
  } catch { /* missing or not ours: leave it */ }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
