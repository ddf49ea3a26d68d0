/**
 * `npm run bench`: medians of what users feel, each beside a baseline
 * measured in the same run, as one table. Targets are printed, not asserted:
 * tests check behaviour, this checks speed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as P from '../../server/protocol';
import { makeWorktree, openSession, startDaemon, ROOT } from '../helpers/daemon';
import { execRepl, runFile, watchLatency } from './cli-bench';
import { engineRows, libraryRows, previewRows, storeRows } from './engine-bench';
import { packageRows } from './packages-bench';
import { notebookRows } from './notebook-bench';
import { liveRows } from './live-bench';
import { historyRows } from './history-bench';
import { percentile, printTable, timeIt, type Row } from './table';
import { loadEngine, runtimeIdentity } from '../../server/runtime/engine';

async function coldStart(rows: Row[]): Promise<void> {
  // Alternating with `node -e 0`, so that load changes on a shared machine hit both alike.
  const samples: number[] = [];
  const firstAnswer: number[] = [];
  const nodeSamples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    const d = await startDaemon();
    samples.push(performance.now() - t0);
    // The daemon answers initialize before its store is open (server/daemon.ts): the first real answer waits for it.
    await d.call(P.TemplatesList, { name: 'default' });
    firstAnswer.push(performance.now() - t0);
    await d.stop();
    nodeSamples.push(...timeIt(1, () => spawnSync(process.execPath, ['-e', '0'])));
  }
  const node = percentile(nodeSamples, 50);
  rows.push({ name: 'daemon cold start → initialize answered', value: percentile(samples, 50), baseline: node, baselineName: 'node -e 0', target: '≤ 150 ms' });
  rows.push({ name: 'daemon cold start → first templates/list answered (fresh database)', value: percentile(firstAnswer, 50), baseline: node, baselineName: 'node -e 0' });
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
  rows.push({ name: 'executions/repl `1+1` round trip p50 (durable, warm)', value: percentile(samples, 50), baseline: floor, baselineName: 'in-process context.eval', target: '≤ 0.5 ms' });
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

/** executions/runFile of a small file on a warm session, against starting `node FILE` (issue 19: ≥ 50× faster in every run). */
async function runFileVsNode(rows: Row[]): Promise<void> {
  const file = path.join(ROOT, 'examples/hello.js');
  const d = await startDaemon();
  try {
    const { session, worktree } = await openSession(d, { 'hello.js': readFileSync(file, 'utf8') });
    for (let i = 0; i < 50; i++) await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'hello.js' });
    const runs: number[] = [];
    const nodes: number[] = [];
    for (let i = 0; i < 9; i++) {
      for (let j = 0; j < 20; j++) {
        const t0 = performance.now();
        await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'hello.js' });
        runs.push(performance.now() - t0);
      }
      nodes.push(...timeIt(1, () => spawnSync(process.execPath, [path.join(worktree, 'hello.js')])));
    }
    const run = percentile(runs, 50);
    const node = percentile(nodes, 50);
    rows.push({ name: `executions/runFile examples/hello.js, warm session (node is ${(node / run).toFixed(0)}× slower)`, value: run, baseline: node, baselineName: 'node hello.js', target: 'node ≥ 50× slower' });
  } finally {
    await d.stop();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const only = process.argv[2];
  const groups: Array<[string, (rows: Row[]) => unknown]> = [
    ['cold', coldStart], ['repl', replRoundTrip], ['runfile', runFileVsNode], ['run', (r: Row[]) => runFile(r, 9)],
    ['notebook', notebookRows],
    ['engine', engineRows], ['preview', previewRows], ['store', storeRows], ['libs', libraryRows], ['packages', packageRows], ['live', liveRows],
    ['cli', async (r: Row[]) => { await execRepl(r, 15); await watchLatency(r, 10); }],
    // Minutes, and gigabytes of disk: only when asked (`npm run bench -- history`).
    ['history', historyRows],
  ];
  // `npm run bench -- issue19`: the rows of issue 19's table only (the ones to compare on Node 20 and 24).
  const issue19 = new Set(['cold', 'repl', 'runfile', 'run', 'libs']);
  for (const [name, fn] of groups) {
    // `npm run bench -- cold,run`: several groups.
    if (only === 'issue19' ? !issue19.has(name) : only ? !only.split(',').includes(name) : name === 'history') continue;
    process.stderr.write(`bench: ${name}…\n`);
    await fn(rows);
  }
  const id = runtimeIdentity();
  // Which Node and engine, and how busy the machine was: figures from two Nodes or two moments compare only with these.
  console.log(`node ${id.node} · isolated-vm ${id.isolatedVm} · load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} · ${os.cpus().length} cores`);
  printTable(rows);
}

void main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
