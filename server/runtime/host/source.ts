/**
 * What to compile for an execution: REPL input (rewritten for top-level
 * await, see repl-rewrite.ts) or a worktree file read here in the host (or
 * the text the client supplied for it: unsaved editor text)
 * (TypeScript transpiled by esbuild, with its source map kept so stack
 * positions can be mapped back). Script names are worktree-relative paths for
 * files and `<repl>` for REPL input: never an absolute host path.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecRequest } from '../../core/ports';
import type { ExceptionPayload } from '../../protocol';
import { prepareRepl, scriptLexicalNames, strictScript, type PreparedScript } from './repl-rewrite';
import { SourceMap } from './source-map';
import { rewriteDynamicImport } from './dynamic-import';

export interface PreparedSource {
  code: string;
  filename: string;
  lineOffset: number;
  lexicalNames: string[];
  /** Run as an ES module (`.mjs`/`.mts`, or `runtime.esm`). */
  module: boolean;
  /** Files: how many lines the file's own text has (before transpiling and wrapping). */
  sourceLines?: number;
  /** REPL input wrapped so that what it throws reaches `_error` inside the isolate (repl-rewrite.ts). */
  catches?: boolean;
}

export type PrepareResult = { ok: true; source: PreparedSource } | { ok: false; error: ExceptionPayload };

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Lazily loaded: esbuild starts its service process on first use only. */
let esbuild: typeof import('esbuild') | undefined;

/** TypeScript → JavaScript, asynchronously: esbuild keeps one service process, and the host's event loop is not blocked. */
export async function transpile(source: string, filename: string, format: 'esm' | undefined): Promise<{ code: string; map?: SourceMap }> {
  esbuild ??= require('esbuild') as typeof import('esbuild');
  const result = await esbuild.transform(source, {
    loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
    sourcefile: filename,
    sourcemap: 'external',
    format,
    target: 'es2022',
  });
  return { code: result.code, map: result.map ? SourceMap.fromJson(result.map) : undefined };
}

export function isModuleFile(file: string, esm: boolean): boolean {
  return esm || file.endsWith('.mjs') || file.endsWith('.mts');
}

/** `#!` has to be the very first thing of a script; with a prefix it would not be, so it becomes a comment. */
/** Files up to this size are read synchronously. */
const SYNC_READ_MAX_BYTES = 256 * 1024;

/**
 * A source file's text. A small one is read synchronously: from the page
 * cache that costs ~20 µs of this thread, where the thread-pool round trip
 * of an asynchronous read added ~0.15–0.2 ms to every run-file (traced); a
 * large one is read asynchronously so the host's other sessions do not wait.
 */
async function readSource(file: string): Promise<string> {
  const st = statSync(file);
  // Only a regular file: a FIFO would block the thread until someone writes to it.
  return st.isFile() && st.size <= SYNC_READ_MAX_BYTES ? readFileSync(file, 'utf8') : readFile(file, 'utf8');
}

function stripHashbang(source: string): string {
  return source.startsWith('#!') ? `//${source.slice(2)}` : source;
}

export function fileError(name: string, message: string, file: string): ExceptionPayload {
  return { name, message, stack: `${name}: ${message}\n    at ${file}` };
}

/** `rememberName`: the hidden global REPL input reports its exception to (see isolate/underscore.ts). */
export async function prepareSource(request: ExecRequest, worktreePath: string, maps: Map<string, SourceMap>, rememberName?: string): Promise<PrepareResult> {
  if (request.kind === 'repl') {
    const repl = prepareRepl(rewriteDynamicImport(request.code ?? '', 'script'), request.runtime.strict, rememberName);
    return { ok: true, source: { ...repl, filename: '<repl>', module: false } };
  }
  const rel = (request.path ?? '').split(path.sep).join('/');
  let text: string;
  if (request.content !== undefined) {
    text = request.content;
  } else {
    try {
      text = await readSource(path.resolve(worktreePath, rel));
    } catch (err) {
      return { ok: false, error: fileError('Error', `Cannot read ${rel}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, rel) };
    }
  }
  const module = isModuleFile(rel, request.runtime.esm);
  const sourceLines = text.split('\n').length;
  if (TS_EXTENSIONS.has(path.extname(rel))) {
    try {
      const out = await transpile(text, rel, module ? 'esm' : undefined);
      text = out.code;
      if (out.map) maps.set(rel, out.map);
    } catch (err) {
      // The error's positions are the source's own: a map of an earlier version must not move them.
      maps.delete(rel);
      const first = (err as { errors?: Array<{ text: string; location?: { line: number; column: number } }> }).errors?.[0];
      const loc = first?.location;
      const error = fileError('SyntaxError', first?.text ?? (err as Error).message, loc ? `${rel}:${loc.line}:${loc.column + 1}` : rel);
      if (loc) error.location = { path: rel, line: loc.line, column: loc.column + 1 };
      return { ok: false, error };
    }
  } else {
    maps.delete(rel);
  }
  text = rewriteDynamicImport(stripHashbang(text), module ? 'module' : 'script');
  // Names for completion; a very large file is not parsed for them.
  let prepared = request.kind === 'run_file' && !module
    ? fileScope(text)
    : { code: text, lineOffset: 0, lexicalNames: module || text.length > 512 * 1024 ? [] : scriptLexicalNames(text) };
  if (request.runtime.strict && !module) prepared = strictScript(prepared);
  return { ok: true, source: { ...prepared, filename: rel, module, sourceLines } };
}

/**
 * A run file's top-level `let`/`const`/`class` live in a block of their own,
 * so running the same file again (Run File twice, every watch re-run) does
 * not fail with "Identifier has already been declared". `var` and function
 * declarations still reach the session's globals, and the block keeps the
 * script's completion value. Startup files are not wrapped: defining the
 * session's globals is what they are for.
 */
function fileScope(text: string): PreparedScript {
  return { code: `{\n${text}\n}`, lineOffset: -1, lexicalNames: [] };
}
