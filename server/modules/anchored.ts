/**
 * File operations anchored to what the path check approved. paths.ts checks
 * a name; between that check and the operation, a folder on the way could be
 * swapped for a link that leads outside. So on Linux the operation goes
 * through a handle instead: the parent folder is opened (O_NOFOLLOW |
 * O_DIRECTORY), where that handle really is (/proc/self/fd/N) is checked to
 * be inside the worktree, and the last name is then looked up in that very
 * folder (`/proc/self/fd/N/name`, like openat(2)) with O_NOFOLLOW. Whatever is
 * swapped after the check, what is touched is inside.
 *
 * Elsewhere (no /proc/self/fd) the operations fall back to the checked name,
 * with the race described in docs/security.md.
 */
import { constants, existsSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../files/inside';
import { fromNodeError, invalidPath } from './errors';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

let procFd: boolean | undefined;
export function anchored(): boolean {
  procFd ??= process.platform === 'linux' && existsSync('/proc/self/fd');
  return procFd;
}

const fdPath = (handle: FileHandle, name?: string): string => `/proc/self/fd/${handle.fd}${name === undefined ? '' : `/${name}`}`;

/** A handle on the folder `dir` (a real path inside `root`), refused unless the folder opened is inside `root`. */
export async function openDir(root: string, dir: string, shown: string, syscall: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (err) {
    throw fromNodeError(err, syscall, shown);
  }
  try {
    if (!isInside(root, await readlink(fdPath(handle)))) throw invalidPath(shown);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

/** Runs `fn` with the path of `real`'s last name inside its checked parent folder. */
export async function inParent<T>(root: string, real: string, shown: string, syscall: string, fn: (p: string) => Promise<T>): Promise<T> {
  if (real === root) return fn(real); // the worktree itself: checked when the session resolved it
  const parent = await openDir(root, path.dirname(real), shown, syscall);
  try {
    return await fn(fdPath(parent, path.basename(real)));
  } finally {
    await parent.close();
  }
}

export async function listDir(root: string, real: string, shown: string): Promise<string[]> {
  const dir = await openDir(root, real, shown, 'scandir');
  try {
    return await readdir(fdPath(dir));
  } catch (err) {
    throw fromNodeError(err, 'scandir', shown);
  } finally {
    await dir.close();
  }
}

/** lstat of the name in its checked parent: a link swapped in is seen as a link, never followed. */
export async function existsAnchored(root: string, real: string): Promise<boolean> {
  try {
    return await inParent(root, real, real, 'stat', (p) => lstat(p).then(() => true, () => false));
  } catch {
    return false;
  }
}

/** mkdir, each folder made inside the checked folder above it. */
export async function mkdirAnchored(root: string, real: string, shown: string, recursive: boolean): Promise<void> {
  if (!recursive) {
    await inParent(root, real, shown, 'mkdir', (p) => mkdir(p)).catch((err: unknown) => { throw fromNodeError(err, 'mkdir', shown); });
    return;
  }
  let dir = await openDir(root, root, shown, 'mkdir');
  try {
    for (const part of path.relative(root, real).split(path.sep).filter(Boolean)) {
      try {
        await mkdir(fdPath(dir, part));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fromNodeError(err, 'mkdir', shown);
      }
      let next: FileHandle;
      try {
        next = await open(fdPath(dir, part), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A file (or a link swapped in) where a folder should be.
        throw fromNodeError(code === 'ELOOP' ? Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }) : err, 'mkdir', shown);
      }
      await dir.close();
      dir = next;
    }
  } finally {
    await dir.close();
  }
}
