/**
 * Working on what a path check approved, not on whatever the name leads to
 * by the time of the call. A check resolves a name; between it and the call,
 * a folder on the way could be swapped for a link that leads outside. On
 * Linux the call therefore goes through a handle: the parent folder is
 * opened (O_NOFOLLOW | O_DIRECTORY), where that handle really is
 * (/proc/self/fd/N) is checked to be inside the root, and the last name is
 * then looked up in that very folder (`/proc/self/fd/N/name`, like openat(2)),
 * by callers with O_NOFOLLOW. Whatever is swapped after the check, what is
 * touched is inside.
 *
 * Used by the native modules (server/modules/fs-anchored.ts) and ES-module
 * imports (runtime/host/esm.ts). Elsewhere (no /proc/self/fd) callers fall
 * back to the checked name, with the race described in docs/security.md.
 */
import { constants, existsSync } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { contain, type ContainedPath, type WorktreeRoot } from './contained-path';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/** The folder handle turned out to be outside the root (it was swapped after the check). */
export class OutsideError extends Error {}

let procFd: boolean | undefined;
export function anchored(): boolean {
  procFd ??= process.platform === 'linux' && existsSync('/proc/self/fd');
  return procFd;
}

/** `/proc/self/fd/N` (the folder itself) or `/proc/self/fd/N/name` (a name in it). */
export const fdPath = (handle: FileHandle, name?: string): string => `/proc/self/fd/${handle.fd}${name === undefined ? '' : `/${name}`}`;

/** A handle on the folder `dir` (a real path inside `root`); OutsideError unless the folder opened is inside `root`. */
export async function openDirInside(root: WorktreeRoot, dir: ContainedPath): Promise<FileHandle> {
  const handle = await open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    if (!contain(root, await readlink(fdPath(handle)))) throw new OutsideError(`${dir} is not inside ${root}`);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

/** Runs `fn` with the path of `real`'s last name inside its checked parent folder. */
export async function inParent<T>(root: WorktreeRoot, real: ContainedPath, fn: (p: string) => Promise<T>): Promise<T> {
  if ((real as string) === root) return fn(real); // the root itself: checked when it was resolved
  // The parent of a contained path other than the root is inside the root too.
  const parent = await openDirInside(root, path.dirname(real) as ContainedPath);
  try {
    return await fn(fdPath(parent, path.basename(real)));
  } finally {
    await parent.close();
  }
}
