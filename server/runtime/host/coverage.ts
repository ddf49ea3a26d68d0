/**
 * Which lines of a run file ran: V8's precise block coverage, switched on
 * through the isolate's inspector session (the Terminator's, see
 * terminator.ts) before the file is compiled and taken once the execution
 * has ended. The inspector session is closed after every execution, which
 * also switches the profiler off again, so a session that never asks for
 * coverage never pays for it.
 *
 * V8 answers per function a list of nested ranges (character offsets into
 * the compiled script) with execution counts; the innermost range decides a
 * character's count. A line ran when any of its non-blank characters did, did
 * not run when none did (blank lines and `//` comment lines are neither); TypeScript lines are mapped back through the
 * transpiler's source map.
 */
import type { LineCoverage } from '../../protocol';
import type { SourceMap } from './source-map';
import type { Terminator } from './terminator';

/** Above this size (characters of the compiled file) no coverage is measured: see docs/runtime.md for the cost. */
export const COVERAGE_MAX_CHARS = 256 * 1024;

export interface CoverageRange { startOffset: number; endOffset: number; count: number }
export interface FunctionCoverage { ranges: CoverageRange[] }

/** The compiled text of the file and how its lines relate to the file's own lines. */
export interface CoveredSource {
  /** Script name (the worktree-relative path). */
  filename: string;
  /** What V8 compiled. */
  code: string;
  /** Line of `code` (0-based) + lineOffset + 1 = line of the generated file (1-based). */
  lineOffset: number;
  /** Lines of the file as the user wrote it. */
  sourceLines: number;
  /** TypeScript: generated → original positions. */
  map?: SourceMap;
}

export async function startCoverage(link: Terminator): Promise<void> {
  await link.post('Profiler.enable', {});
  await link.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
}

export async function takeCoverage(link: Terminator, source: CoveredSource): Promise<LineCoverage> {
  const answer = await link.post('Profiler.takePreciseCoverage', {});
  await link.post('Profiler.stopPreciseCoverage', {});
  await link.post('Profiler.disable', {});
  const scripts = (answer.result ?? []) as Array<{ url: string; functions: FunctionCoverage[] }>;
  const script = scripts.filter((s) => s.url === source.filename).pop();
  return { path: source.filename, ...lineCoverage(source, script?.functions ?? []) };
}

export function skippedCoverage(path: string, why: string): LineCoverage {
  return { path, ran: [], notRun: [], skipped: why };
}

/** Per-character counts → per-line ran / not run, as 1-based inclusive ranges of the file's own lines. */
export function lineCoverage(source: CoveredSource, functions: readonly FunctionCoverage[]): { ran: Array<[number, number]>; notRun: Array<[number, number]> } {
  const { code } = source;
  if (functions.length === 0) return { ran: [], notRun: [] };
  const counts = new Int32Array(code.length);
  // Outer ranges first (start ascending, end descending): inner ones paint over them.
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  for (const r of ranges) counts.fill(r.count, Math.max(0, r.startOffset), Math.min(code.length, r.endOffset));

  // state per line of the file: 1 ran, 2 not run (ran wins when several generated lines map to one)
  const state = new Uint8Array(source.sourceLines + 1);
  let start = 0;
  let index = 0;
  while (start <= code.length) {
    let end = code.indexOf('\n', start);
    if (end === -1) end = code.length;
    let first = -1;
    let ran = false;
    for (let i = start; i < end; i++) {
      const c = code.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) continue;
      if (first === -1) {
        first = i - start;
        // A line comment is no code: neither ran nor not run.
        if (c === 47 && code.charCodeAt(i + 1) === 47) {
          first = -1;
          break;
        }
      }
      if (counts[i] > 0) {
        ran = true;
        break;
      }
    }
    if (first !== -1) {
      const generated = index + source.lineOffset + 1;
      const line = source.map ? source.map.original(generated, first + 1)?.line : generated;
      if (line !== undefined && line >= 1 && line <= source.sourceLines) state[line] = ran ? 1 : state[line] === 1 ? 1 : 2;
    }
    start = end + 1;
    index++;
  }
  return { ran: runsOf(state, 1), notRun: runsOf(state, 2) };
}

function runsOf(state: Uint8Array, value: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let line = 1; line < state.length; line++) {
    if (state[line] !== value) continue;
    const last = out[out.length - 1];
    if (last && last[1] === line - 1) last[1] = line;
    else out.push([line, line]);
  }
  return out;
}
