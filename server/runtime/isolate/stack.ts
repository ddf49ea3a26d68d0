/**
 * Call sites inside the isolate, read as structured V8 CallSites (not by
 * parsing text). Session code may have replaced `Error.prepareStackTrace` or
 * `Error.stackTraceLimit`; both are swapped for ours and restored. Anything
 * odd (a frozen Error, a throwing getter) only costs the location.
 */
import * as P from './primordials';
import type { BridgeLocation } from './bridge';

interface CallSite {
  getFileName(): string | undefined | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

/** Script names the host gives worktree files are plain relative paths; ours look like `<repl>`, `<vm-system>`. */
export function isWorktreeFile(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name[0] !== '<' && !P.StringPrototypeStartsWith(name, 'node:');
}

/** The first frame below `below` that is in a worktree file. */
export function worktreeCallSite(below: Function): BridgeLocation | undefined {
  const E = P.ErrorCtor as any;
  const savedPrepare = E.prepareStackTrace;
  const savedLimit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = (_e: unknown, frames: CallSite[]) => frames;
    E.stackTraceLimit = 16;
    const holder: { stack?: CallSite[] } = {};
    P.ErrorCaptureStackTrace!(holder, below);
    const frames = holder.stack;
    if (!P.ArrayIsArray(frames)) return undefined;
    for (const frame of frames) {
      const file = frame.getFileName();
      if (isWorktreeFile(file)) {
        return { path: file, line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0 };
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    try {
      E.prepareStackTrace = savedPrepare;
      E.stackTraceLimit = savedLimit;
    } catch {
      // a frozen Error: nothing to restore
    }
  }
}

/** A stack trace as text (for console.trace), from the caller of `below`. */
export function stackText(below: Function): string {
  const holder: { stack?: string } = {};
  try {
    P.ErrorCaptureStackTrace!(holder, below);
    const stack = P.StringCtor(holder.stack ?? '');
    const nl = P.StringPrototypeIndexOf(stack, '\n');
    return nl === -1 ? '' : P.StringPrototypeSlice(stack, nl);
  } catch {
    return '';
  }
}
