/**
 * `require('fs')` inside a session: Node's synchronous names over the
 * session's worktree and nothing else (see paths.ts for the confinement).
 *
 * The calls are synchronous for session code (the isolate blocks) but async
 * here, so one session's disk waits never stall the host's other sessions.
 * Files are opened with O_NOFOLLOW (a link swapped in after the path check is
 * refused rather than followed) and O_NONBLOCK (opening a FIFO in the worktree
 * must not hang a libuv thread), in the folder the check approved (fs-anchored.ts:
 * a folder swapped for a link meanwhile cannot lead outside); anything but a
 * regular file is refused, and a write to a file with more than one hard link
 * (it may be a file outside the worktree as well) is refused.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { ModuleContext, NativeModule } from './native-module';
import { isReadOnly, readOnlyError } from './capabilities';
import { MODULE_FUNCTIONS, type ModuleFunction } from './catalog';
import { argTypeError, codedError, fromNodeError, nodeError } from './errors';
import { anchored, existsAnchored, inParent, listDir, mkdirAnchored } from './fs-anchored';
import { resolveInWorktree, type ResolvedPath } from './paths';

/** Bytes one read or write may move: the data is copied into the isolate (and counts against its heap). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
const LIMIT_TEXT = `the fs module moves at most ${MAX_FILE_BYTES / 1048576} MB per call`;

const { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW, O_NONBLOCK } = constants;

/** `encoding` as Node takes it: a string, `{encoding}`, or nothing (bytes). */
function encodingArg(options: unknown): BufferEncoding | undefined {
  const enc = typeof options === 'string' ? options
    : options && typeof options === 'object' ? (options as { encoding?: unknown }).encoding
      : undefined;
  if (enc === undefined || enc === null) return undefined;
  if (typeof enc !== 'string' || !Buffer.isEncoding(enc)) {
    throw codedError('ERR_INVALID_ARG_VALUE', `The argument 'encoding' is invalid encoding. Received '${String(enc)}'`, 'TypeError');
  }
  return enc;
}

/** Bytes to write: a string (in `encoding`), any typed array or DataView, or an ArrayBuffer. */
function dataArg(data: unknown, encoding: BufferEncoding | undefined): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, encoding ?? 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw argTypeError(`The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${data === null ? 'null' : typeof data}`);
}

async function openChecked({ real, shown, root }: ResolvedPath, flags: number, syscall: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  // Truncated only once it is known what was opened.
  const openFlags = (flags & ~O_TRUNC) | O_NOFOLLOW | O_NONBLOCK;
  try {
    handle = anchored()
      ? await inParent(root, real, shown, syscall, (p) => open(p, openFlags, 0o666))
      : await open(real, openFlags, 0o666);
  } catch (err) {
    // inParent's errors already name the session's path.
    throw anchored() ? err : fromNodeError(err, syscall, shown);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw nodeError('EISDIR', 'illegal operation on a directory', 'read');
    if (!st.isFile()) throw nodeError('EINVAL', 'not a regular file', syscall, shown);
    if ((flags & O_WRONLY) && st.nlink > 1) throw nodeError('EMLINK', 'the file has more than one hard link (it may also be a file outside the worktree); refusing to write it', syscall, shown);
    if (flags & O_TRUNC) await handle.truncate(0);
    return { handle, size: st.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function readFileSync(ctx: ModuleContext, [file, options]: unknown[]): Promise<string | Uint8Array> {
  const encoding = encodingArg(options);
  const target = await resolveInWorktree(ctx, file, 'open');
  const shown = target.shown;
  const { handle, size } = await openChecked(target, O_RDONLY, 'open');
  try {
    if (size > MAX_FILE_BYTES) throw nodeError('EFBIG', `file too large (${LIMIT_TEXT})`, 'read', shown);
    // Read to EOF (the file may have grown since stat), never past the cap.
    let buf = Buffer.allocUnsafe(Math.min(size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > MAX_FILE_BYTES) throw nodeError('EFBIG', `file too large (${LIMIT_TEXT})`, 'read', shown);
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_FILE_BYTES + 1));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    // A plain Uint8Array of exactly the file's bytes: it is copied into the isolate as is.
    return encoding ? buf.toString(encoding, 0, length) : new Uint8Array(buf.subarray(0, length));
  } finally {
    await handle.close();
  }
}

async function writeFileSync(ctx: ModuleContext, [file, data, options]: unknown[]): Promise<undefined> {
  const bytes = dataArg(data, encodingArg(options));
  const target = await resolveInWorktree(ctx, file, 'open');
  const shown = target.shown;
  if (isReadOnly(ctx)) throw readOnlyError('open', shown);
  if (bytes.byteLength > MAX_FILE_BYTES) throw nodeError('EFBIG', `data too large (${LIMIT_TEXT})`, 'write', shown);
  const { handle } = await openChecked(target, O_WRONLY | O_CREAT | O_TRUNC, 'open');
  try {
    await handle.writeFile(bytes);
  } catch (err) {
    throw fromNodeError(err, 'write', shown);
  } finally {
    await handle.close();
  }
  return undefined;
}

async function existsSync(ctx: ModuleContext, [file]: unknown[]): Promise<boolean> {
  // Like Node, a non-string path is simply "not there"; a path outside the worktree is still refused.
  if (typeof file !== 'string' || file === '' || file.includes('\0')) return false;
  const { real, root } = await resolveInWorktree(ctx, file, 'stat');
  if (anchored()) return existsAnchored(root, real);
  return stat(real).then(() => true, () => false);
}

async function readdirSync(ctx: ModuleContext, [dir, options]: unknown[]): Promise<string[]> {
  if (options && typeof options === 'object' && (options as { withFileTypes?: unknown }).withFileTypes) {
    throw codedError('ERR_INVALID_ARG_VALUE', 'readdirSync: withFileTypes is not supported (names only)', 'TypeError');
  }
  const { real, shown, root } = await resolveInWorktree(ctx, dir, 'scandir');
  if (anchored()) return (await listDir(root, real, shown)).sort();
  try {
    // Sorted: the order a directory lists in depends on the file system; scripts should not.
    return (await readdir(real)).sort();
  } catch (err) {
    throw fromNodeError(err, 'scandir', shown);
  }
}

async function mkdirSync(ctx: ModuleContext, [dir, options]: unknown[]): Promise<undefined> {
  const recursive = !!(options && typeof options === 'object' && (options as { recursive?: unknown }).recursive);
  const { real, shown, root } = await resolveInWorktree(ctx, dir, 'mkdir');
  if (isReadOnly(ctx)) throw readOnlyError('mkdir', shown);
  if (anchored()) {
    await mkdirAnchored(root, real, shown, recursive);
    return undefined;
  }
  try {
    await mkdir(real, { recursive });
  } catch (err) {
    throw fromNodeError(err, 'mkdir', shown);
  }
  // Node returns the first directory created (a host path) for `recursive`; session code gets nothing.
  return undefined;
}

const FUNCTIONS: Record<ModuleFunction<'fs'>, (ctx: ModuleContext, args: unknown[]) => Promise<unknown>> = {
  readFileSync, writeFileSync, existsSync, readdirSync, mkdirSync,
};

export const fsModule: NativeModule = {
  name: 'fs',
  functions: MODULE_FUNCTIONS.fs,
  call(ctx, fn, args) {
    return FUNCTIONS[fn as ModuleFunction<'fs'>](ctx, args);
  },
};
