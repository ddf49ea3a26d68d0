/**
 * Store figures for issue 4. Run: node --import tsx test/store/bench-store.ts
 * (BENCH_EXECUTIONS=100000 by default; BENCH_DIR to keep the files somewhere).
 *
 *  - durable execution p50/p99 (putExecution running + appendEvents(3) +
 *    putExecution finished + flush), one writer, at an empty database and at
 *    BENCH_EXECUTIONS stored executions; the ratio must stay <= 1.5
 *  - acknowledged executions/s with 4 concurrent writers (group commit)
 *  - cold open of the big database in a fresh process (wasm load + image
 *    load + integrity check + replay; median of 5), with an empty journal
 *    and with a journal just under the checkpoint threshold
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, DEFAULT_CHECKPOINT_BYTES, type SqliteStore } from '../../server/store';
import { events, execution, finished, session } from './helpers';

const TOTAL = Number(process.env.BENCH_EXECUTIONS ?? 100_000);
const SAMPLES = 2000;

async function durableExecution(store: SqliteStore, sessionId: string): Promise<void> {
  const e = execution(sessionId);
  store.putExecution(e);
  store.appendEvents(events(e.id));
  store.putExecution(finished(e));
  await store.flush();
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

async function latency(store: SqliteStore): Promise<{ p50: number; p99: number }> {
  const s = session();
  store.putSession(s);
  for (let i = 0; i < 200; i++) await durableExecution(store, s.id); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await durableExecution(store, s.id);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}

async function throughput(store: SqliteStore, writers: number, seconds: number): Promise<{ perSecond: number; syncs: number; acked: number }> {
  const sessions = Array.from({ length: writers }, () => session());
  sessions.forEach((s) => store.putSession(s));
  const syncs0 = store.stats().journal.syncs;
  const deadline = performance.now() + seconds * 1000;
  let acked = 0;
  const t0 = performance.now();
  await Promise.all(sessions.map(async (s) => {
    while (performance.now() < deadline) {
      await durableExecution(store, s.id);
      acked++;
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  return { perSecond: acked / elapsed, syncs: store.stats().journal.syncs - syncs0, acked };
}

/**
 * The store bundled as the daemon ships it (esbuild, CommonJS, the wasm copied
 * beside the bundle), so cold opens time plain node, not the tsx loader.
 */
async function bundleStore(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(dir, 'store-bundle.js');
  await build({ entryPoints: [path.resolve(__dirname, '../../server/store/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
  return outfile;
}

/** Median of 5 opens, each in a new process (sql.js wasm load, image read and check, journal replay), without closing. */
function coldOpen(bundle: string, dbPath: string): number {
  const script = `
    const t0 = performance.now();
    require(${JSON.stringify(bundle)}).openStore({ path: ${JSON.stringify(dbPath)} })
      .then(() => { process.stdout.write(String(performance.now() - t0)); process.exit(0); });`;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push(Number(r.stdout));
  }
  return times.sort((a, b) => a - b)[2];
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

async function main(): Promise<void> {
  const dir = process.env.BENCH_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vm-store-bench-'));
  fs.mkdirSync(dir, { recursive: true });
  const rows: Array<[string, string]> = [];
  const bundle = await bundleStore(dir);

  // Empty database.
  const emptyPath = path.join(dir, 'empty.db');
  fs.rmSync(emptyPath, { force: true });
  fs.rmSync(`${emptyPath}.journal`, { force: true });
  const empty = await openStore({ path: emptyPath });
  const atEmpty = await latency(empty);
  const tpEmpty = await throughput(empty, 4, 3);
  await empty.close();
  rows.push(['durable execution p50 / p99, empty db', `${fmt(atEmpty.p50, 3)} / ${fmt(atEmpty.p99, 3)} ms`]);
  rows.push(['acknowledged executions/s, 4 writers, empty db', `${fmt(tpEmpty.perSecond, 0)} (${tpEmpty.acked} in ${tpEmpty.syncs} syncs)`]);

  // Big database, built through the store itself (journal + background checkpoints).
  const bigPath = path.join(dir, `big-${TOTAL}.db`);
  let built = fs.existsSync(bigPath);
  if (built) {
    const probe = await openStore({ path: bigPath });
    built = probe.listSessions().length > 0;
    await probe.close();
  }
  if (!built) {
    for (const f of [bigPath, `${bigPath}.journal`]) fs.rmSync(f, { force: true });
    const t0 = performance.now();
    const store = await openStore({ path: bigPath });
    const sessions = Array.from({ length: 100 }, () => session());
    sessions.forEach((s) => store.putSession(s));
    for (let i = 0; i < TOTAL; i++) {
      const e = execution(sessions[i % sessions.length].id);
      store.putExecution(e);
      store.appendEvents(events(e.id));
      store.putExecution(finished(e));
      if (i % 1000 === 999) await store.flush();
    }
    await store.close();
    rows.push([`build ${TOTAL} executions through the store`, `${fmt((performance.now() - t0) / 1000, 1)} s`]);
  }
  rows.push(['image size', `${fmt(fs.statSync(bigPath).size / 1048576, 1)} MB`]);
  rows.push(['cold open, empty journal (fresh process, median of 5)', `${fmt(coldOpen(bundle, bigPath), 0)} ms`]);

  const big = await openStore({ path: bigPath });
  const atBig = await latency(big);
  const tpBig = await throughput(big, 4, 3);
  const stats = big.stats();
  await big.close();
  rows.push([`durable execution p50 / p99, ${TOTAL} executions`, `${fmt(atBig.p50, 3)} / ${fmt(atBig.p99, 3)} ms`]);
  rows.push(['p50 ratio big / empty (target <= 1.5)', fmt(atBig.p50 / atEmpty.p50)]);
  rows.push([`acknowledged executions/s, 4 writers, ${TOTAL} executions`, `${fmt(tpBig.perSecond, 0)} (${tpBig.acked} in ${tpBig.syncs} syncs)`]);
  rows.push(['checkpoints during the big-db runs', `${stats.checkpoint.checkpoints} (last ${fmt(stats.checkpoint.lastMs, 0)} ms, ${fmt(stats.checkpoint.lastImageBytes / 1048576, 1)} MB)`]);

  // Worst case for the next start: a journal just under the checkpoint threshold, left by a crash.
  const crashed = await openStore({ path: bigPath, checkpointBytes: Number.MAX_SAFE_INTEGER });
  const s = session();
  crashed.putSession(s);
  while (crashed.stats().journalBytes < DEFAULT_CHECKPOINT_BYTES * 0.95) {
    const e = execution(s.id);
    crashed.putExecution(e);
    crashed.appendEvents(events(e.id));
    crashed.putExecution(finished(e));
  }
  await crashed.flush();
  const journalMb = fs.statSync(`${bigPath}.journal`).size / 1048576;
  // No close: the next open must replay it.
  rows.push([`cold open, ${fmt(journalMb, 1)} MB journal to replay (fresh process, median of 5)`, `${fmt(coldOpen(bundle, bigPath), 0)} ms`]);

  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  if (!process.env.BENCH_DIR) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

void main();
