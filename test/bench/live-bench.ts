/**
 * Live mode, one keystroke's worth after the debounce: the extension's
 * rewrite of the text, `executions/runFile {content, coverage: true}` of a
 * 200-line file in a fresh runtime of the live session, and turning the
 * answer into what the editor shows (liveResult). The restart that makes the
 * next runtime fresh runs after the answer, in the background, as in the
 * extension; it has a row of its own. (Setting the decorations in VS Code
 * is measured by the e2e suite: `live run … ms + paint … ms`.)
 */
import * as P from '../../server/protocol';
import { liveResult } from '../../extension/live/annotations';
import { rewriteLive } from '../../extension/live/rewrite';
import { openSession, startDaemon } from '../helpers/daemon';
import { percentile, type Row } from './table';

/** 200 lines of ordinary code: functions, a class, loops, console lines, live comments, a branch not taken. */
export function liveFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    lines.push(
      `function step${i}(n) {`,
      `  let total = 0;`,
      `  for (let k = 0; k < n; k++) total += k * ${i + 1};`,
      `  if (total < 0) {`,
      `    console.log('never', total);`,
      `  }`,
      `  return total;`,
      `}`,
      `const r${i} = step${i}(${10 + i}) //?`,
      i % 4 === 0 ? `console.log('step ${i}', r${i});` : `const label${i} = \`r${i}=\${r${i}}\` /*?*/;`,
    );
  }
  return lines.join('\n');
}

export async function liveRows(rows: Row[]): Promise<void> {
  const d = await startDaemon();
  try {
    const { session } = await openSession(d);
    const sessionId = session.id;
    const text = liveFile();
    const cycle = async (coverage: boolean): Promise<{ run: number; restart: number }> => {
      const t0 = performance.now();
      const source = rewriteLive(text, '__vmsLive$bench');
      const answer = await d.call(P.ExecutionsRunFile, { sessionId, path: 'live.js', content: source.code, coverage });
      const shown = liveResult(answer.events, 'live.js', source.insertions, 200, answer.coverage);
      if (answer.status !== 'ok' || shown.annotations.length < 20 || (coverage && shown.notRun.length === 0)) {
        throw new Error(`unexpected live run: ${answer.status} ${JSON.stringify(answer.error)}`);
      }
      const t1 = performance.now();
      await d.call(P.SessionsRestart, { sessionId, replay: false });
      return { run: t1 - t0, restart: performance.now() - t1 };
    };
    for (let i = 0; i < 20; i++) await cycle(i % 2 === 0);
    const withCoverage: number[] = [];
    const without: number[] = [];
    const restarts: number[] = [];
    for (let i = 0; i < 60; i++) {
      const a = await cycle(true);
      withCoverage.push(a.run);
      restarts.push(a.restart);
      without.push((await cycle(false)).run);
    }
    rows.push({ name: 'live mode: 200-line file, edit → result with coverage p50 (fresh runtime)', value: percentile(withCoverage, 50), baseline: percentile(without, 50), baselineName: 'same without coverage', target: '≤ 50 ms' });
    rows.push({ name: 'live mode: same, p95', value: percentile(withCoverage, 95), target: '≤ 50 ms' });
    rows.push({ name: 'live mode: background sessions/restart after a run p50', value: percentile(restarts, 50) });
  } finally {
    await d.stop();
  }
}
