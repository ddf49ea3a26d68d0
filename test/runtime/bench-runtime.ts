/**
 * Runtime figures (not a test): run with
 *   node esbuild.mjs && node --no-node-snapshot --import tsx test/runtime/bench-runtime.ts
 * (SESSIONS_PER_HOST=32 to try another packing)
 *
 * - the floor: `context.eval('1+1')` on an isolate in this very process;
 * - execute() round trip of `1+1` through a runtime host (IPC + isolate + describe);
 * - createSession p50 / p90 over 50 sessions;
 * - memory per idle session over those 50 sessions: host RSS (and PSS, which
 *   shares the Node binary's pages fairly between processes) per session.
 */
import ivm from '../../server/runtime/host/ivm';
import { readFileSync } from 'node:fs';
import { TestRuntime, type TestSession } from './helpers';

const N_SESSIONS = 50;
const N_RUNS = 300;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function memOf(pid: number): { rss: number; pss: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

const fmt = (n: number) => n.toFixed(2);

async function floor(): Promise<number[]> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = await isolate.createContext();
  const times: number[] = [];
  for (let i = 0; i < N_RUNS; i++) {
    const t0 = performance.now();
    await context.eval('1+1');
    times.push(performance.now() - t0);
  }
  isolate.dispose();
  return times;
}

async function main(): Promise<void> {
  const inProcess = await floor();
  console.log(`in-process context.eval('1+1'):   p50 ${fmt(pct(inProcess, 50))} ms  p95 ${fmt(pct(inProcess, 95))} ms`);

  const perHost = Number(process.env.SESSIONS_PER_HOST) || undefined;
  const rt = new TestRuntime({ sessionsPerHost: perHost });
  const first = await rt.session();
  for (let i = 0; i < 50; i++) await first.value('1+1'); // warm up
  const times: number[] = [];
  for (let i = 0; i < N_RUNS; i++) {
    const t0 = performance.now();
    await first.value('1+1');
    times.push(performance.now() - t0);
  }
  console.log(`execute('1+1') round trip:        p50 ${fmt(pct(times, 50))} ms  p95 ${fmt(pct(times, 95))} ms`);

  await new Promise((r) => setTimeout(r, 300));
  const before = await rt.rt.summary();
  const memBefore = before.hosts.reduce((acc, h) => { const m = memOf(h.pid); return { rss: acc.rss + m.rss, pss: acc.pss + m.pss }; }, { rss: 0, pss: 0 });
  const creates: number[] = [];
  const sessions: TestSession[] = [];
  for (let i = 0; i < N_SESSIONS; i++) {
    const t0 = performance.now();
    sessions.push(await rt.session());
    creates.push(performance.now() - t0);
  }
  for (const s of sessions) await s.value('globalThis.touched = 1');
  await new Promise((r) => setTimeout(r, 500));
  const after = await rt.rt.summary();
  const memAfter = after.hosts.reduce((acc, h) => { const m = memOf(h.pid); return { rss: acc.rss + m.rss, pss: acc.pss + m.pss }; }, { rss: 0, pss: 0 });
  console.log(`createSession (${N_SESSIONS}):              p50 ${fmt(pct(creates, 50))} ms  p90 ${fmt(pct(creates, 90))} ms  max ${fmt(Math.max(...creates))} ms`);
  console.log(`hosts: ${after.hosts.length} (sessions per host: ${after.hosts.map((h) => h.sessionIds.length).join(', ')})`);
  console.log(`memory per idle session (${N_SESSIONS}):    RSS +${fmt((memAfter.rss - memBefore.rss) / N_SESSIONS)} MB, PSS +${fmt((memAfter.pss - memBefore.pss) / N_SESSIONS)} MB`
    + `  (all hosts: RSS ${fmt(memAfter.rss)} MB, PSS ${fmt(memAfter.pss)} MB for ${N_SESSIONS + 1} sessions)`);
  const heap = after.sessions.map((x) => x.heapUsedMb);
  console.log(`isolate heap per idle session:      p50 ${fmt(pct(heap, 50))} MB`);
  await rt.close();
}

void main();
