/**
 * The daemon's socket file, made so that only its user can reach it: the
 * folder (when it is our private run folder) created 0700 and checked, a
 * stale socket removed only when it is our own, and the socket itself made
 * 0600 from the start (umask while binding) — see docs/security.md.
 */
import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import type net from 'node:net';
import path from 'node:path';

export class UnsafeSocketPathError extends Error {}

const uid = (): number | undefined => process.getuid?.();

/** Creates `dir` 0700 if missing and refuses it unless it is a real folder of this user that no one else may enter. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new UnsafeSocketPathError(`${dir} is not a folder (a symbolic link?); refusing to put the socket there`);
  if (uid() !== undefined && st.uid !== uid()) throw new UnsafeSocketPathError(`${dir} belongs to user ${st.uid}, not to this daemon's user ${uid()}; refusing to put the socket there`);
  if ((st.mode & 0o077) !== 0) throw new UnsafeSocketPathError(`${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}); refusing to put the socket there`);
}

const isNamedPipe = (p: string): boolean => p.startsWith('\\\\.\\pipe\\');

/** Removes a stale socket at `socketPath` (we hold the database lock), unless it is not ours to remove. */
export function removeStaleSocket(socketPath: string): void {
  let st;
  try {
    st = lstatSync(socketPath);
  } catch {
    return;
  }
  if (uid() !== undefined && st.uid !== uid()) throw new UnsafeSocketPathError(`${socketPath} belongs to user ${st.uid}, not to this daemon's user ${uid()}; refusing to remove it`);
  if (!st.isSocket()) throw new UnsafeSocketPathError(`${socketPath} exists and is not a socket; refusing to remove it`);
  rmSync(socketPath, { force: true });
}

/** Listens on `socketPath` with mode 0600 from its first moment. */
export async function listenPrivately(server: net.Server, socketPath: string, privateDir: string | undefined): Promise<void> {
  if (isNamedPipe(socketPath)) {
    // Windows: a named pipe, no file; its default ACL gives the creator (and
    // administrators) access. Not tested here (see docs/security.md).
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(socketPath, resolve); });
    return;
  }
  if (privateDir !== undefined) ensurePrivateDir(privateDir);
  else mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  removeStaleSocket(socketPath);
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(socketPath, resolve); });
  } finally {
    process.umask(umask);
  }
  chmodSync(socketPath, 0o600);
}
