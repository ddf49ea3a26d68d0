/**
 * CLI bench rows (`node --import tsx test/bench/cli-bench.ts`, after `npm run build`):
 *  - `vm-system exec repl SESSION '1+1'` wall time on a warm shared daemon,
 *    beside `node -e` (the cost of starting node at all);
 *  - `vm-system watch` save-to-output latency, beside its debounce;
 *  - `vm-system run small.js` with the daemon running and with none yet,
 *    beside `node small.js`.
 * Medians; targets are printed, not asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, makeWorktree, ROOT } from '../helpers/daemon';
import { BIN, cliDb, spawnCli } from '../helpers/cli';
import { percentile, printTable, timeIt, type Row } from './table';

const DEBOUNCE_MS = 100; // watch/start default
/** The native launcher bin/vm-system uses when the build made it (cli/native/fast-exec.c). */
const NATIVE = path.join(ROOT, 'dist/vm-system-fast');

export async function execRepl(rows: Row[], runs: number): Promise<void> {
  const d = cliDb();
  try {
    const session = await d.json<{ id: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', makeWorktree()]);
    const env = { ...process.env, ...d.env, NO_COLOR: '1' };
    const viaBin = [BIN, 'exec', 'repl', session.id, '1+1'];
    const check = spawnSync(viaBin[0], viaBin.slice(1), { env, encoding: 'utf8' });
    if (check.stdout !== '2\n') throw new Error(`exec repl answered ${JSON.stringify(check.stdout)} ${check.stderr}`);
    for (let i = 0; i < 5; i++) spawnSync(viaBin[0], viaBin.slice(1), { env });
    // Interleave the measured commands so load changes hit them alike.
    const samples = { bin: [] as number[], bundle: [] as number[], node: [] as number[], nodeNoSnap: [] as number[] };
    for (let i = 0; i < runs; i++) {
      samples.bin.push(...timeIt(1, () => spawnSync(viaBin[0], viaBin.slice(1), { env })));
      samples.bundle.push(...timeIt(1, () => spawnSync(process.execPath, [CLI, 'exec', 'repl', session.id, '1+1'], { env })));
      samples.node.push(...timeIt(1, () => spawnSync(process.execPath, ['-e', '1+1'])));
      samples.nodeNoSnap.push(...timeIt(1, () => spawnSync(process.execPath, ['--no-node-snapshot', '-e', '1+1'])));
    }
    const node = percentile(samples.node, 50);
    rows.push({ name: `\`vm-system exec repl S 1+1\`, warm shared daemon (${existsSync(NATIVE) ? 'native client' : 'no native client built'})`, value: percentile(samples.bin, 50), baseline: node, baselineName: 'node -e 1+1', target: '≥ 5× faster than node -e' });
    rows.push({ name: '`node dist/cli.js exec repl S 1+1` (the JavaScript fast path)', value: percentile(samples.bundle, 50), baseline: node, baselineName: 'node -e 1+1' });
    rows.push({ name: '`node --no-node-snapshot -e 1+1` (what the flag would cost)', value: percentile(samples.nodeNoSnap, 50), baseline: node, baselineName: 'node -e 1+1' });
    await d.run(['session', 'close', session.id]);
  } finally {
    await d.stop();
  }
}

export async function watchLatency(rows: Row[], runs: number): Promise<void> {
  const d = cliDb();
  const cwd = makeWorktree({ 'w.js': 'console.log("mark-0")' });
  const watch = spawnCli(['watch', 'w.js'], { cwd, env: d.env });
  try {
    await watch.waitFor(/mark-0\n/, { timeoutMs: 30000 });
    const samples: number[] = [];
    for (let i = 1; i <= runs; i++) {
      const from = watch.stdout().length;
      const t0 = performance.now();
      writeFileSync(path.join(cwd, 'w.js'), `console.log("mark-${i}")`);
      await watch.waitFor(new RegExp(`mark-${i}\\n`), { from, timeoutMs: 10000 });
      samples.push(performance.now() - t0);
      // Let the watcher settle so one save is one run.
      await new Promise((r) => setTimeout(r, DEBOUNCE_MS * 2));
    }
    rows.push({ name: '`vm-system watch`: save → output printed (p50)', value: percentile(samples, 50), baseline: DEBOUNCE_MS, baselineName: 'debounce', target: `≤ ${DEBOUNCE_MS + 50} ms` });
    rows.push({ name: '`vm-system watch`: save → output printed (p90)', value: percentile(samples, 90), baseline: DEBOUNCE_MS, baselineName: 'debounce' });
  } finally {
    watch.proc.kill('SIGINT');
    await watch.exited;
    await d.stop();
  }
}

/**
 * `vm-system run small.js` as a user types it (bin/vm-system: the native
 * launcher where built), beside `node small.js`, alternating so load changes
 * hit both alike: with the background daemon already running, and with none
 * yet (a database of its own per sample; the run starts the daemon, which is
 * stopped afterwards, untimed).
 */
export async function runFile(rows: Row[], runs: number): Promise<void> {
  const cwd = makeWorktree({ 'small.js': 'const squares = [1, 2, 3].map((x) => x * x);\nconsole.log(squares.join(","));\n' });
  const small = path.join(cwd, 'small.js');
  const envOf = (db: string): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', VM_SYSTEM_DB: db, VM_SYSTEM_IDLE_MS: '60000' });
  const run = (env: NodeJS.ProcessEnv): void => {
    const r = spawnSync(BIN, ['run', 'small.js'], { cwd, env, encoding: 'utf8' });
    if (r.stdout !== '1,4,9\n') throw new Error(`vm-system run small.js answered ${JSON.stringify(r.stdout)} ${r.stderr}`);
  };
  const warmEnv = envOf(path.join(makeWorktree(), 'bench.db'));
  const samples = { warm: [] as number[], cold: [] as number[], nodeWarm: [] as number[], nodeCold: [] as number[] };
  try {
    for (let i = 0; i < 3; i++) run(warmEnv);
    for (let i = 0; i < runs; i++) {
      samples.warm.push(...timeIt(1, () => run(warmEnv)));
      samples.nodeWarm.push(...timeIt(1, () => spawnSync(process.execPath, [small], { cwd })));
      const coldEnv = envOf(path.join(makeWorktree(), 'bench.db'));
      samples.cold.push(...timeIt(1, () => run(coldEnv)));
      spawnSync(BIN, ['daemon', 'stop'], { env: coldEnv });
      samples.nodeCold.push(...timeIt(1, () => spawnSync(process.execPath, [small], { cwd })));
    }
  } finally {
    spawnSync(BIN, ['daemon', 'stop'], { env: warmEnv });
  }
  const how = existsSync(NATIVE) ? 'native launcher' : 'no native launcher built';
  rows.push({ name: `\`vm-system run small.js\`, daemon already running (${how})`, value: percentile(samples.warm, 50), baseline: percentile(samples.nodeWarm, 50), baselineName: 'node small.js', target: '≤ node small.js' });
  rows.push({ name: '`vm-system run small.js`, no daemon yet (it starts one)', value: percentile(samples.cold, 50), baseline: percentile(samples.nodeCold, 50), baselineName: 'node small.js', target: '≤ 2 × node small.js' });
}

async function main(): Promise<void> {
  process.chdir(ROOT);
  const rows: Row[] = [];
  const only = process.argv[2];
  if (!only || only === 'exec') { process.stderr.write('bench: exec repl…\n'); await execRepl(rows, 25); }
  if (!only || only === 'watch') { process.stderr.write('bench: watch…\n'); await watchLatency(rows, 15); }
  if (!only || only === 'run') { process.stderr.write('bench: run…\n'); await runFile(rows, 15); }
  printTable(rows);
}

if (require.main === module) void main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
