/**
 * `npm run bench`: medians of what users feel, each beside a baseline
 * measured in the same run, as one table. Targets are printed, not asserted:
 * tests check behaviour, this checks speed.
 */
import { spawnSync } from 'node:child_process';
import * as P from '../../server/protocol';
import { makeWorktree, openSession, startDaemon } from '../helpers/daemon';
import { execRepl, runFile, watchLatency } from './cli-bench';
import { engineRows, libraryRows, previewRows, storeRows } from './engine-bench';
import { packageRows } from './packages-bench';
import { notebookRows } from './notebook-bench';
import { liveRows } from './live-bench';
import { historyRows } from './history-bench';
import { percentile, printTable, timeIt, type Row } from './table';
import { loadEngine } from '../../server/runtime/engine';

async function coldStart(rows: Row[]): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const d = await startDaemon();
    samples.push(performance.now() - t0);
    await d.stop();
  }
  const nodeSamples = timeIt(7, () => spawnSync(process.execPath, ['-e', '0']));
  rows.push({ name: 'daemon cold start → initialize answered', value: percentile(samples, 50), baseline: percentile(nodeSamples, 50), baselineName: 'node -e 0', target: '≤ 300 ms' });
}

async function replRoundTrip(rows: Row[]): Promise<void> {
  const d = await startDaemon();
  const { session } = await openSession(d);
  // Steady state, as a long-lived daemon runs: the first requests run before V8 has optimised the request path.
  for (let i = 0; i < 2000; i++) await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1+1' });
  const samples: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1+1' });
    samples.push(performance.now() - t0);
  }
  const floor = inProcessFloor();
  rows.push({ name: 'executions/repl `1+1` round trip p50 (durable, warm)', value: percentile(samples, 50), baseline: floor, baselineName: 'in-process context.eval', target: '≤ 1 ms' });
  rows.push({ name: 'executions/repl `1+1` round trip p99', value: percentile(samples, 99), baseline: floor, baselineName: 'in-process context.eval' });

  const worktree = makeWorktree();
  const templateId = (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;
  const creates: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const s = await d.call(P.SessionsCreate, { templateId, worktreePath: worktree });
    creates.push(performance.now() - t0);
    await d.call(P.SessionsClose, { sessionId: s.id });
  }
  rows.push({ name: 'sessions/create p50', value: percentile(creates, 50), target: '≤ 10 ms' });
  await d.stop();
}

/** isolated-vm `context.evalSync('1+1')` in this very process: the floor no daemon can beat. */
function inProcessFloor(): number {
  const ivm = loadEngine();
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  const context = isolate.createContextSync();
  for (let i = 0; i < 200; i++) context.evalSync('1+1');
  const samples = timeIt(2000, () => context.evalSync('1+1'));
  isolate.dispose();
  return percentile(samples, 50);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const only = process.argv[2];
  const groups: Array<[string, (rows: Row[]) => unknown]> = [
    ['cold', coldStart], ['repl', replRoundTrip], ['run', (r: Row[]) => runFile(r, 9)],
    ['notebook', notebookRows],
    ['engine', engineRows], ['preview', previewRows], ['store', storeRows], ['libs', libraryRows], ['packages', packageRows], ['live', liveRows],
    ['cli', async (r: Row[]) => { await execRepl(r, 15); await watchLatency(r, 10); }],
    // Minutes, and gigabytes of disk: only when asked (`npm run bench -- history`).
    ['history', historyRows],
  ];
  for (const [name, fn] of groups) {
    if (only ? only !== name : name === 'history') continue;
    process.stderr.write(`bench: ${name}…\n`);
    await fn(rows);
  }
  printTable(rows);
}

void main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
