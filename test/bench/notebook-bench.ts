/**
 * The daemon's share of a notebook's Run All: 20 cells sent one after another
 * as the VS Code kernel sends them (`executions/repl {queue: true}`, each
 * awaited). The end-to-end figure in VS Code (its rendering included) is
 * printed by `npm run test:vscode`; see docs/notebooks.md.
 */
import * as P from '../../server/protocol';
import { openSession, startDaemon } from '../helpers/daemon';
import { percentile, type Row } from './table';

const CELLS = Array.from({ length: 20 }, (_, i) => (i === 0 ? 'let total = 0;' : `total += ${i};\nconsole.log('cell ${i}');\ntotal`));

export async function notebookRows(rows: Row[]): Promise<void> {
  const d = await startDaemon();
  const { session } = await openSession(d);
  const samples: number[] = [];
  for (let round = 0; round < 8; round++) {
    await d.call(P.SessionsRestart, { sessionId: session.id, replay: false });
    const t0 = performance.now();
    for (const input of CELLS) await d.call(P.ExecutionsRepl, { sessionId: session.id, input, queue: true });
    if (round > 0) samples.push(performance.now() - t0);
  }
  rows.push({ name: 'notebook Run All: 20 cells as the kernel sends them (daemon side)', value: percentile(samples, 50), target: '≤ 1000 ms with VS Code (docs/notebooks.md)' });
  await d.stop();
}
