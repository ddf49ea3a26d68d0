/**
 * Issue 15: does the daemon's cost depend on how much history it holds? For
 * each size in BENCH_HISTORY_MB (default "100,400"; cumulative, one
 * database): grow the history (history-fill.ts), then start the real daemon
 * on it and measure cold start, RSS right after opening, and — while 4
 * sessions write console-heavy executions through the protocol for 5 s — RSS,
 * the worst stall and p50/p99 of a `1+1` repl in a fifth session.
 * Writes the figures as JSON (BENCH_HISTORY_JSON) and a picture of write cost
 * and RSS against history size (docs/images/history-bench.svg), with the
 * figures of another build beside them when BENCH_HISTORY_BASELINE names its JSON.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import * as P from '../../server/protocol';
import { ROOT, openSession, startDaemon, tempDir } from '../helpers/daemon';
import { historyChart, type HistoryPoint } from './history-chart';
import { percentile, type Row } from './table';

const WRITE_MS = 5000;
/** The history under test must stay whole: no retention pass during the bench. */
const KEEP_ALL = ['--retention', 'keepPerSession=0,olderThanDays=0,maxMb=0'];
const LINES = 200;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function fill(dbPath: string, mb: number): { mb: number; executions: number; writeP50Ms: number; writeMaxMs: number; rssMb: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'history-fill.ts'), dbPath, String(mb)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`history-fill failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function coldStart(dbPath: string): Promise<{ ms: number; rssMb: number }> {
  const samples: number[] = [];
  let rss = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const d = await startDaemon({ dbPath, extraArgs: KEEP_ALL });
    samples.push(performance.now() - t0);
    rss = Math.max(rss, rssMb(d.proc.pid!));
    await d.stop();
  }
  return { ms: percentile(samples, 50), rssMb: rss };
}

/**
 * Two phases on one daemon: 4 sessions fill (console-heavy executions) for
 * 4 s — RSS and the fillers' p99 — then 4 sessions make small writes (`1+1`)
 * for 5 s: their worst latency is the worst stall, beside p50 and p99.
 */
async function writing(dbPath: string): Promise<{ rssMb: number; fillP99: number; stallMs: number; p50: number; p99: number }> {
  const d = await startDaemon({ dbPath, extraArgs: KEEP_ALL });
  try {
    const limits = { maxEvents: LINES + 10, maxOutputKb: 1024 };
    const writers = await Promise.all([0, 1, 2, 3].map(() => openSession(d, {}, { limits })));
    let rss = rssMb(d.proc.pid!);
    const sampler = setInterval(() => { rss = Math.max(rss, rssMb(d.proc.pid!)); }, 50);
    const input = `const t = 'x'.repeat(1000); for (let i = 0; i < ${LINES}; i++) console.log(t, i)`;
    const loop = async (sessionId: string, code: string, ms: number): Promise<number[]> => {
      const samples: number[] = [];
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const t0 = performance.now();
        await d.call(P.ExecutionsRepl, { sessionId, input: code });
        samples.push(performance.now() - t0);
      }
      return samples;
    };
    const fills = (await Promise.all(writers.map(({ session }) => loop(session.id, input, 4000)))).flat();
    clearInterval(sampler);
    for (const { session } of writers) for (let i = 0; i < 200; i++) await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1+1' });
    const small = (await Promise.all(writers.map(({ session }) => loop(session.id, '1+1', WRITE_MS)))).flat();
    return { rssMb: rss, fillP99: percentile(fills, 99), stallMs: Math.max(...small), p50: percentile(small, 50), p99: percentile(small, 99) };
  } finally {
    await d.stop();
  }
}

export async function historyRows(rows: Row[]): Promise<HistoryPoint[]> {
  const sizes = (process.env.BENCH_HISTORY_MB ?? '100,400').split(',').map(Number);
  const dir = tempDir('vmsys-history-');
  const dbPath = path.join(dir, 'history.db');
  const points: HistoryPoint[] = [];
  try {
    // The same figures on an empty database, measured now: the machine is shared, and this says what "unchanged" is.
    const emptyDb = path.join(dir, 'empty.db');
    const emptyCold = await coldStart(emptyDb);
    const emptyWrite = await writing(path.join(dir, 'empty-write.db'));
    const empty = { coldMs: emptyCold.ms, p50: emptyWrite.p50, p99: emptyWrite.p99, stallMs: emptyWrite.stallMs };
    process.stderr.write(`bench: history: empty database: cold start ${emptyCold.ms.toFixed(0)} ms, small-write p50 ${emptyWrite.p50.toFixed(2)} ms, worst ${emptyWrite.stallMs.toFixed(0)} ms\n`);
    for (const mb of sizes) {
      process.stderr.write(`bench: history ${mb} MB: filling…\n`);
      const t0 = performance.now();
      const filled = fill(dbPath, mb);
      process.stderr.write(`bench: history ${mb} MB: filled ${filled.mb.toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(0)} s; daemon…\n`);
      const cold = await coldStart(dbPath);
      const w = await writing(dbPath);
      const at = `at ${filled.mb.toFixed(0)} MB of history`;
      rows.push({ name: `daemon RSS while writing, ${at}`, value: w.rssMb, unit: 'MB', target: '≤ 250 MB' });
      rows.push({ name: `daemon RSS right after opening, ${at}`, value: cold.rssMb, unit: 'MB', target: '≤ 200 MB' });
      rows.push({ name: `worst stall in 5 s of small writes (4 sessions), ${at}`, value: w.stallMs, baseline: empty.stallMs, baselineName: 'empty database', target: '≤ 50 ms' });
      rows.push({ name: `repl p99, small writes, ${at}`, value: w.p99, baseline: empty.p99, baselineName: 'empty database', target: '≤ 10 ms' });
      rows.push({ name: `repl p50, small writes, ${at}`, value: w.p50, baseline: empty.p50, baselineName: 'empty database' });
      rows.push({ name: `p99 of 200 KB executions while filling, ${at}`, value: w.fillP99 });
      rows.push({ name: `cold start → initialize, ${at}`, value: cold.ms, baseline: empty.coldMs, baselineName: 'empty database', target: '≤ 300 ms' });
      rows.push({ name: `durable 200 KB execution p50 (store alone), ${at}`, value: filled.writeP50Ms });
      points.push({ fillP99: w.fillP99, historyMb: filled.mb, writeP50Ms: filled.writeP50Ms, storeRssMb: filled.rssMb, daemonRssWritingMb: w.rssMb, daemonRssOpenMb: cold.rssMb, stallMs: w.stallMs, coldStartMs: cold.ms, p50: w.p50, p99: w.p99 });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const json = process.env.BENCH_HISTORY_JSON;
  if (json) fs.writeFileSync(json, JSON.stringify(points, null, 2));
  const baselineFile = process.env.BENCH_HISTORY_BASELINE;
  const baseline = baselineFile ? (JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as HistoryPoint[]) : undefined;
  const svg = path.join(ROOT, 'docs/images/history-bench.svg');
  if (fs.existsSync(path.dirname(svg))) fs.writeFileSync(svg, historyChart(points, baseline));
  return points;
}
