/**
 * A live run's events → what the editor shows: the reported values of live
 * comments at their lines, console lines at their call sites, the exception
 * at its line (its column mapped back through the rewrite), coverage lines.
 * No `vscode` import: unit-tested.
 */
import type { Event, LineCoverage } from '../../server/protocol';
import { inlineAnnotations, type Annotation } from '../format';
import { originalColumn, reported, type Insertion } from './rewrite';

export interface LiveResult {
  annotations: Annotation[];
  /** The run's events as the file's own text would have produced them (reporter lines out, exception columns mapped back). */
  events: Event[];
  /** 0-based lines. */
  ran: number[];
  notRun: number[];
  /** 0-based line of the exception, when the file threw at a line of its own. */
  threw?: number;
}

/** `lineCount`: lines of the editor's text (the hidden reporter's line after them is not shown). */
export function liveResult(events: readonly Event[], path: string, insertions: readonly Insertion[], lineCount: number, coverage?: LineCoverage, max = 100): LiveResult {
  const own: Event[] = [];
  const values: Event[] = [];
  for (const e of events) {
    if (e.type === 'console') {
      const r = reported(e.payload.text);
      if (r) {
        values.push({ ...e, payload: { level: 'log', text: r.value, location: { path, line: r.line, column: 1 } } });
        continue;
      }
    }
    // A file's completion value is not shown live (Quokka neither): only what the code reports.
    if (e.type === 'value') continue;
    if (e.type === 'exception' && e.payload.location?.path === path) {
      const loc = e.payload.location;
      own.push({ ...e, payload: { ...e.payload, location: { ...loc, column: originalColumn(insertions, loc.line - 1, loc.column) } } });
      continue;
    }
    own.push(e);
  }
  const target = { path, valueLine: 0 };
  const annotations = [
    ...inlineAnnotations(values, target, max).map((a) => ({ ...a, kind: 'value' as const })),
    ...inlineAnnotations(own, target, max),
  ].filter((a) => a.path === path);
  const thrown = own.find((e) => e.type === 'exception');
  const loc = thrown?.type === 'exception' ? thrown.payload.location : undefined;
  return {
    annotations, events: own,
    ran: expand(coverage?.ran).filter((l) => l < lineCount), notRun: expand(coverage?.notRun).filter((l) => l < lineCount),
    threw: loc && loc.path === path ? loc.line - 1 : undefined,
  };
}

/** 1-based inclusive ranges → 0-based lines. */
function expand(ranges: ReadonlyArray<readonly [number, number]> | undefined): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges ?? []) for (let l = a; l <= b; l++) out.push(l - 1);
  return out;
}
