/**
 * The fs module's operations anchored to the checked folder (see
 * server/files/anchored.ts), with errors in the shape session code expects:
 * a folder found outside is INVALID_PATH, Node errors name the session's path.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fdPath, inParent as inParentRaw, openDirInside, OutsideError } from '../files/anchored';
import { rootPath, type ContainedPath, type WorktreeRoot } from '../files/contained-path';
import { fromNodeError, invalidPath } from './errors';

export { anchored } from '../files/anchored';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

function sessionError(err: unknown, syscall: string, shown: string): Error {
  if (err instanceof OutsideError) return invalidPath(shown);
  if ((err as { code?: unknown }).code === 'INVALID_PATH') return err as Error;
  return fromNodeError(err, syscall, shown);
}

async function openDir(root: WorktreeRoot, dir: ContainedPath, shown: string, syscall: string): Promise<FileHandle> {
  try {
    return await openDirInside(root, dir);
  } catch (err) {
    throw sessionError(err, syscall, shown);
  }
}

/** Runs `fn` with the path of `real`'s last name inside its checked parent folder. */
export async function inParent<T>(root: WorktreeRoot, real: ContainedPath, shown: string, syscall: string, fn: (p: string) => Promise<T>): Promise<T> {
  try {
    return await inParentRaw(root, real, fn);
  } catch (err) {
    throw sessionError(err, syscall, shown);
  }
}

export async function listDir(root: WorktreeRoot, real: ContainedPath, shown: string): Promise<string[]> {
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
export async function existsAnchored(root: WorktreeRoot, real: ContainedPath): Promise<boolean> {
  try {
    return await inParentRaw(root, real, (p) => lstat(p).then(() => true, () => false));
  } catch {
    return false;
  }
}

/** mkdir, each folder made inside the checked folder above it. */
export async function mkdirAnchored(root: WorktreeRoot, real: ContainedPath, shown: string, recursive: boolean): Promise<void> {
  if (!recursive) {
    await inParent(root, real, shown, 'mkdir', (p) => mkdir(p));
    return;
  }
  let dir = await openDir(root, rootPath(root), shown, 'mkdir');
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
