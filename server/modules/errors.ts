/**
 * Errors the native modules throw into session code. Session code should be
 * able to handle them the way it would handle Node's, so messages follow
 * Node's shape (`ENOENT: no such file or directory, open 'x.txt'`) and carry
 * the stable code first; they name the path as the session wrote it, never
 * the host's absolute path.
 *
 * The runtime copies only `name` and `message` into the isolate (see
 * host/session-bridge.ts), so the `code` property set here is for host-side
 * callers; session code reads the code from the start of the message.
 */

export interface CodedError extends Error {
  code: string;
}

export function codedError(code: string, message: string, name = 'Error'): CodedError {
  const err = new Error(message) as CodedError;
  err.name = name;
  err.code = code;
  return err;
}

/** Node's own shape: `CODE: description, syscall 'path'`. */
export function nodeError(code: string, description: string, syscall: string, shownPath?: string): CodedError {
  return codedError(code, `${code}: ${description}, ${syscall}${shownPath === undefined ? '' : ` '${shownPath}'`}`);
}

/** The PROTOCOL's INVALID_PATH, as an error thrown into JS. */
export function invalidPath(shownPath: string, why = 'resolves outside the worktree'): CodedError {
  return codedError('INVALID_PATH', `INVALID_PATH: '${shownPath}' ${why}`);
}

export function argTypeError(message: string): CodedError {
  return codedError('ERR_INVALID_ARG_TYPE', message, 'TypeError');
}

/**
 * A Node fs error rewritten to name the session's path and operation: the
 * host error names the resolved absolute path (and its message is otherwise
 * already Node's). Anything else passes through.
 */
export function fromNodeError(err: unknown, syscall: string, shownPath: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string') return e instanceof Error ? e : new Error(String(err));
  // `ENOENT: no such file or directory, open '/abs/x'` → the description between `CODE: ` and `, syscall`.
  const m = /^[A-Z0-9_]+: (.*?)(?:, [a-z_]+(?: '.*')?)?$/s.exec(e.message);
  // The operation session code asked for (`open`), not the host's internal step (`realpath`, `lstat`).
  return nodeError(e.code, m ? m[1] : e.message, syscall, shownPath);
}
