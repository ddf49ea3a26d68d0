/**
 * Bench rows for the execution engine, the store and libraries, all driven
 * through the real daemon: contention, cancellation, streaming, memory per
 * session, durability at 100k executions, throughput, library start-up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import * as P from '../../server/protocol';
import { openStore } from '../../server/store';
import { makeWorktree, openSession, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon';
import { percentile, type Row } from './table';

async function replP50(d: TestDaemon, sessionId: string, n: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await d.call(P.ExecutionsRepl, { sessionId, input: '1+1' });
    samples.push(performance.now() - t0);
  }
  return percentile(samples, 50);
}

export async function engineRows(rows: Row[]): Promise<void> {
  const d = await startDaemon();
  try {
    const { session } = await openSession(d);
    await replP50(d, session.id, 100);
    const idle = await replP50(d, session.id, 300);
    const spinners = await Promise.all([0, 1, 2].map(() => openSession(d, {}, { limits: { wallMs: 60000, cpuMs: 60000 } })));
    const spinning = spinners.map(({ session: s }) => d.call(P.ExecutionsRepl, { sessionId: s.id, input: 'while (true) {}' }).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 200));
    const busy = await replP50(d, session.id, 300);
    rows.push({ name: 'repl `1+1` p50 while 3 other sessions spin', value: busy, baseline: idle, baselineName: 'same, idle daemon' });
    for (const { session: s } of spinners) await d.call(P.SessionsClose, { sessionId: s.id });
    await Promise.all(spinning);

    const cancels: number[] = [];
    for (let i = 0; i < 15; i++) {
      const source = new CancellationTokenSource();
      const run = d.connection.sendRequest(P.ExecutionsRepl.type, { sessionId: session.id, input: 'while (true) {}' }, source.token).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 30));
      const t0 = performance.now();
      source.cancel();
      await run;
      cancels.push(performance.now() - t0);
    }
    rows.push({ name: '$/cancelRequest of a busy loop → answered', value: percentile(cancels, 50), target: '≤ 100 ms' });

    const logger = await openSession(d, {}, { limits: { maxEvents: 20000, maxOutputKb: 65536 } });
    const t0 = performance.now();
    const r = await d.call(P.ExecutionsRepl, { sessionId: logger.session.id, input: 'for (let i = 0; i < 10000; i++) console.log("line", i)' });
    const wall = performance.now() - t0;
    rows.push({ name: 'events streamed + stored per second (10k console.log)', value: r.events.length / (wall / 1000), unit: 'ev/s' });

    const before = await d.call(P.OpsRuntimeSummary, {});
    const worktree = makeWorktree();
    const templateId = (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;
    for (let i = 0; i < 50; i++) await d.call(P.SessionsCreate, { templateId, worktreePath: worktree });
    await new Promise((r) => setTimeout(r, 300));
    const after = await d.call(P.OpsRuntimeSummary, {});
    rows.push({ name: 'memory per idle session (RSS delta over 50)', value: (after.rssMb - before.rssMb) / 50, unit: 'MB', target: '≤ 3 MB' });
  } finally {
    await d.stop();
  }
}

/** A database with `n` finished executions (3 events each), written through the store directly. */
async function seededDb(n: number): Promise<string> {
  const dbPath = path.join(tempDir(), 'big.db');
  const store = await openStore({ path: dbPath });
  const now = new Date().toISOString();
  const sessionId = randomUUID();
  store.putSession({ id: sessionId, templateId: randomUUID(), workspaceId: 'w', baseCommitOid: '', worktreePath: '/tmp', status: 'closed', createdAt: now, closedAt: now });
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    store.putExecution({ id, sessionId, kind: 'repl', input: `${i}`, args: {}, env: {}, status: 'ok', startedAt: now, endedAt: now, result: { type: 'number', preview: `${i}`, json: i }, metrics: { wallMs: 1, cpuMs: 1, events: 2, outputBytes: 0 } });
    store.appendEvents([
      { executionId: id, seq: 1, ts: now, type: 'input_echo', payload: { text: `${i}` } },
      { executionId: id, seq: 2, ts: now, type: 'value', payload: { type: 'number', preview: `${i}`, json: i } },
    ]);
    if (i % 5000 === 0) await store.flush();
  }
  await store.close();
  return dbPath;
}

export async function storeRows(rows: Row[]): Promise<void> {
  const empty = await startDaemon();
  const { session } = await openSession(empty);
  await replP50(empty, session.id, 100);
  const atEmpty = await replP50(empty, session.id, 500);
  await empty.stop();

  const dbPath = await seededDb(100_000);
  const colds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const d = await startDaemon({ dbPath });
    colds.push(performance.now() - t0);
    await d.stop();
  }
  const d = await startDaemon({ dbPath });
  try {
    const big = await openSession(d);
    await replP50(d, big.session.id, 100);
    const at100k = await replP50(d, big.session.id, 500);
    rows.push({ name: 'durable repl p50 at 100,000 executions', value: at100k, baseline: atEmpty, baselineName: 'same, empty database', target: 'ratio ≤ 1.5' });
    rows.push({ name: 'cold start → initialize, 100,000-execution database', value: percentile(colds, 50), target: '≤ 1 s' });

    const sessions = (await Promise.all([0, 1, 2, 3].map(() => openSession(d)))).map((o) => o.session.id);
    /** Executions acknowledged per second with `inFlight` requests per session (queued behind each other). */
    const throughput = async (inFlight: number, ms: number): Promise<number> => {
      let acked = 0;
      const until = performance.now() + ms;
      await Promise.all(sessions.flatMap((sessionId) => Array.from({ length: inFlight }, async () => {
        while (performance.now() < until) {
          await d.call(P.ExecutionsRepl, { sessionId, input: '1', queue: inFlight > 1 });
          acked++;
        }
      })));
      return (acked * 1000) / ms;
    };
    /** The median of three 2-second runs: one run can land on a checkpoint of the 58 MB image or a busy moment of the machine. */
    const median3 = async (inFlight: number): Promise<number> => percentile([await throughput(inFlight, 2000), await throughput(inFlight, 2000), await throughput(inFlight, 2000)], 50);
    await throughput(1, 500);
    rows.push({ name: 'acknowledged executions/s, 4 sessions, 1 request in flight each (median of 3 × 2 s)', value: await median3(1), unit: 'exec/s', target: '≥ 2,000/s' });
    rows.push({ name: 'acknowledged executions/s, 4 sessions, 4 queued requests each (median of 3 × 2 s)', value: await median3(4), unit: 'exec/s', target: '≥ 2,000/s' });
  } finally {
    await d.stop();
  }
}

export async function libraryRows(rows: Row[]): Promise<void> {
  const d = await startDaemon();
  try {
    try {
      await d.call(P.LibrariesInstall, { names: ['lodash', 'dayjs'] });
    } catch (error) {
      process.stderr.write(`bench: libraries not installable here (${(error as Error).message}); row skipped\n`);
      return;
    }
    const plain = (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;
    const withLibs = (await d.call(P.TemplatesCreate, { name: 'libs' })).id;
    await d.call(P.TemplatesAddLibrary, { templateId: withLibs, name: 'lodash' });
    await d.call(P.TemplatesAddLibrary, { templateId: withLibs, name: 'dayjs' });
    const worktree = makeWorktree();
    /** p50 of create (+ close) cycles, `pauseMs` apart. */
    const time = async (templateId: string, pauseMs = 0): Promise<number> => {
      const samples: number[] = [];
      for (let i = 0; i < 30; i++) {
        if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        const t0 = performance.now();
        const s = await d.call(P.SessionsCreate, { templateId, worktreePath: worktree });
        samples.push(performance.now() - t0);
        await d.call(P.SessionsClose, { sessionId: s.id });
      }
      return percentile(samples, 50);
    };
    await time(withLibs);
    // The host keeps a spare session of a library template ready (runtime/host/spare-sessions.ts);
    // creating one every 50 ms gives it time to build the next one, back to back does not.
    rows.push({ name: 'sessions/create with lodash + dayjs (spare ready, one per 50 ms)', value: await time(withLibs, 50), baseline: await time(plain, 50), baselineName: 'no libraries', target: '≤ 5 ms' });
    rows.push({ name: 'sessions/create with lodash + dayjs, back to back', value: await time(withLibs), baseline: await time(plain), baselineName: 'no libraries', target: '≤ 5 ms' });

    const program = makeWorktree({
      'main.mts': "import { total } from './sum.mts';\nimport { label } from './label.mjs';\nconst xs: number[] = [1, 2, 3];\nconsole.log(label(total(xs)));\n",
      'sum.mts': 'export const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);\n',
      'label.mjs': 'export const label = (n) => `total=${n}`;\n',
    });
    mkdirSync(path.join(program, 'node'), { recursive: true });
    writeFileSync(path.join(program, 'node/main.mjs'), "import { total } from './sum.mjs';\nimport { label } from '../label.mjs';\nconsole.log(label(total([1, 2, 3])));\n");
    writeFileSync(path.join(program, 'node/sum.mjs'), 'export const total = (xs) => xs.reduce((a, b) => a + b, 0);\n');
    const s = await d.call(P.SessionsCreate, { templateId: plain, worktreePath: program });
    const runs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await d.call(P.ExecutionsRunFile, { sessionId: s.id, path: 'main.mts' });
      runs.push(performance.now() - t0);
    }
    const nodeRuns: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, [path.join(program, 'node/main.mjs')]);
      nodeRuns.push(performance.now() - t0);
    }
    rows.push({ name: 'run-file of a 3-file ESM/TS program (warm session)', value: percentile(runs, 50), baseline: percentile(nodeRuns, 50), baselineName: 'node main.mjs (JS twin)' });
  } finally {
    await d.stop();
  }
}

/** sessions/preview per keystroke: a small expression, and an object described under V8's side-effect checks. */
export async function previewRows(rows: Row[]): Promise<void> {
  const d = await startDaemon();
  try {
    const { session } = await openSession(d);
    const sessionId = session.id;
    await d.call(P.ExecutionsRepl, { sessionId, input: 'var x = 41; var items = Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}` }))' });
    const time = async (code: string, n: number): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await d.call(P.SessionsPreview, { sessionId, code });
        samples.push(performance.now() - t0);
      }
      return samples;
    };
    await time('x + 1', 200);
    const complete: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      await d.call(P.SessionsComplete, { sessionId, code: 'x', cursor: 1 });
      complete.push(performance.now() - t0);
    }
    const small = await time('x + 1', 500);
    rows.push({ name: 'sessions/preview `x + 1` p50 (per keystroke)', value: percentile(small, 50), baseline: percentile(complete, 50), baselineName: 'sessions/complete', target: '≤ 5 ms' });
    rows.push({ name: 'sessions/preview `x + 1` p99', value: percentile(small, 99) });
    rows.push({ name: 'sessions/preview of 20 objects (`items.slice(0, 20)`) p50', value: percentile(await time('items.slice(0, 20)', 300), 50) });
    const refused = await time('x++', 300);
    rows.push({ name: 'sessions/preview refused (`x++`) p50', value: percentile(refused, 50) });
  } finally {
    await d.stop();
  }
}
