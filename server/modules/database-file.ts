/**
 * Reading and saving the file behind a file database. Saving is atomic
 * (a temp file beside the target, flushed, then renamed over it), so a crash
 * or a kill mid-save leaves the previous file whole, and a reader in another
 * session never sees half a database. The rename also replaces a symlink
 * planted at the target rather than writing through it.
 */
import { constants } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fromNodeError, nodeError } from './errors';
import type { ResolvedPath } from './paths';

/** Largest database file the module loads: it lives in the host's wasm heap, shared by the host's sessions. */
export const MAX_DATABASE_BYTES = 64 * 1024 * 1024;

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/** The file's bytes, or undefined when it does not exist yet (in an existing directory). */
export async function readDatabaseFile({ real, shown }: ResolvedPath): Promise<Uint8Array | undefined> {
  let handle;
  try {
    handle = await open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromNodeError(err, 'open', shown);
    // A new database: its directory must exist now, or the first save would fail where nobody sees it.
    const dir = await stat(path.dirname(real)).catch(() => undefined);
    if (!dir?.isDirectory()) throw nodeError('ENOENT', 'no such file or directory', 'open', shown);
    return undefined;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw nodeError(st.isDirectory() ? 'EISDIR' : 'EINVAL', st.isDirectory() ? 'illegal operation on a directory' : 'not a regular file', 'open', shown);
    if (st.size > MAX_DATABASE_BYTES) throw nodeError('EFBIG', `database file too large (the database module loads at most ${MAX_DATABASE_BYTES / 1048576} MB)`, 'read', shown);
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

export async function writeDatabaseFile({ real, shown }: ResolvedPath, bytes: Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(real), `.${path.basename(real)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666);
    try {
      await handle.writeFile(bytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, real);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw fromNodeError(err, 'open', shown);
  }
}
