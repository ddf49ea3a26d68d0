/**
 * Exceptions as the protocol wants them: `{name, message, stack, location?}`.
 *
 * Two sources: errors described inside the isolate (RawException: async
 * rejections, timer callbacks), and errors isolated-vm copied out when a
 * script threw synchronously (an Error with name/message/stack, or a thrown
 * primitive). Either way the stack is cleaned here: isolated-vm appends
 * `at (<isolated-vm boundary>)` and the host's own frames, which must never
 * reach a client, and the bootstrap's frames are noise. The location is the
 * first frame in a worktree file, mapped through the file's source map when
 * it was TypeScript.
 */
import type { ExceptionPayload, SourceLocation } from '../../protocol';
import type { RawException } from '../isolate/bridge';
import type { SourceMap } from './source-map';

/** An import that resolves outside the worktree (esm.ts): refused before any module code runs. */
export class ImportRefused extends Error {
  readonly code = 'INVALID_PATH' as const;
}

/** Script names that are not worktree files start with `<` (`<repl>`, `<vm-system>`, `<library:x>`). */
export function isWorktreeFile(name: string): boolean {
  return name !== '' && !name.startsWith('<') && !name.startsWith('node:') && !name.startsWith('/');
}

const FRAME_RE = /^\s+at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

export type SourceMaps = ReadonlyMap<string, SourceMap>;

function mapPosition(maps: SourceMaps, path: string, line: number, column: number): SourceLocation {
  const mapped = maps.get(path)?.original(line, column);
  // A package bundle's map names the package's own file (`node_modules/ms/index.js`).
  return mapped ? { path: mapped.source && isWorktreeFile(mapped.source) ? mapped.source : path, line: mapped.line, column: mapped.column } : { path, line, column };
}

/** Drops host and bootstrap frames, maps TypeScript positions; answers the stack and the first worktree location. */
export function cleanStack(stack: string, maps: SourceMaps): { stack: string; location?: SourceLocation } {
  const boundary = stack.indexOf('\n    at (<isolated-vm boundary>)');
  if (boundary !== -1) stack = stack.slice(0, boundary);
  let location: SourceLocation | undefined;
  const lines = stack.split('\n').filter((line) => {
    const m = FRAME_RE.exec(line);
    if (!m) return true;
    const file = m[2];
    if (file === '<vm-system>' || file.startsWith('/') || file.startsWith('node:')) return false;
    return true;
  }).map((line) => {
    const m = FRAME_RE.exec(line);
    if (!m || !isWorktreeFile(m[2])) return line;
    const loc = mapPosition(maps, m[2], Number(m[3]), Number(m[4]));
    location ??= loc;
    if (!maps.has(m[2])) return line;
    return line.replace(`${m[2]}:${m[3]}:${m[4]}`, `${loc.path}:${loc.line}:${loc.column}`);
  });
  return { stack: lines.join('\n'), location };
}

export function fromRaw(raw: RawException, maps: SourceMaps): ExceptionPayload {
  const { stack, location } = cleanStack(String(raw.stack ?? ''), maps);
  const out: ExceptionPayload = { name: String(raw.name ?? 'Error'), message: String(raw.message ?? ''), stack: stack || `${raw.name}: ${raw.message}` };
  if (location) out.location = location;
  return out;
}

/** Node-like rendering of a thrown primitive (`Uncaught 'text'`). */
function primitiveText(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** An error isolated-vm copied out of the isolate (a script threw synchronously, or a compile error). */
export function fromCopied(err: unknown, maps: SourceMaps): ExceptionPayload {
  if (!(err instanceof Error)) {
    const text = primitiveText(err);
    return { name: 'Uncaught', message: text, stack: `Uncaught ${text}` };
  }
  let message = err.message;
  let location: SourceLocation | undefined;
  // Compile errors arrive as `message [file:line:column]`.
  const at = /^([\s\S]*) \[(.+):(\d+):(\d+)\]$/.exec(message);
  if (at) {
    message = at[1];
    if (isWorktreeFile(at[2])) location = mapPosition(maps, at[2], Number(at[3]), Number(at[4]));
  }
  const name = err.name || 'Error';
  const header = message ? `${name}: ${message}` : name;
  const rawStack = typeof err.stack === 'string' ? err.stack : header;
  const cleaned = cleanStack(rawStack.replace(/^[\s\S]*? \[(.+):(\d+):(\d+)\](?=\n|$)/, header), maps);
  let stack = cleaned.stack;
  if (at && !/\n\s+at /.test(stack)) stack = `${header}\n    at ${at[2]}:${at[3]}:${at[4]}`;
  const out: ExceptionPayload = { name, message, stack };
  const loc = location ?? cleaned.location;
  if (loc) out.location = loc;
  return out;
}
