/** File primitives whose ordering the durability argument depends on. */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** Every file of a database (image, journal, lock) is its user's alone: it holds REPL input and results. */
export const PRIVATE_FILE = 0o600;

/** Makes a rename or create in `dir` itself durable (the directory entry, not only the file's data). */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some file systems cannot fsync a directory (EINVAL/EISDIR); nothing better is possible there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EBADF') throw err;
  } finally {
    await fh.close();
  }
}

/**
 * Writes `target` all-or-nothing: `<target>.tmp`, fsync, rename over the
 * target, fsync the directory. A crash leaves either the old file or the new
 * one, never a mix. `afterRename` runs between the rename and the directory
 * sync (the journal uses it to switch its file handle at once).
 */
export async function writeFileDurably(target: string, chunks: Uint8Array[], afterRename?: () => Promise<void>): Promise<void> {
  const tmp = `${target}.tmp`;
  const fh = await fsp.open(tmp, 'w', PRIVATE_FILE);
  try {
    // An older file of that name keeps its mode through open(): make it private too.
    await fh.chmod(PRIVATE_FILE);
    for (const chunk of chunks) await writeAll(fh, chunk, -1);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await fsp.rename(tmp, target);
  if (afterRename) await afterRename();
  await fsyncDir(path.dirname(target));
}

/** write(2) may write less than asked (full disk, signals): loop until all is written. `position` -1 means "at the current offset". */
export async function writeAll(fh: fsp.FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position < 0 ? null : position + done);
    if (bytesWritten <= 0) throw new Error('store: write made no progress');
    done += bytesWritten;
  }
}

export async function readAll(fh: fsp.FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, into.length - done, position + done);
    if (bytesRead <= 0) throw new Error('store: unexpected end of file');
    done += bytesRead;
  }
}

/**
 * The database's real path: symlinks followed (also when the file does not
 * exist yet but its directory does), so checkpoints replace the target, not
 * the link, and two links to one database share one lock file.
 */
export function resolveDbPath(p: string): string {
  const absolute = path.resolve(p);
  try {
    return fs.realpathSync(absolute);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}
