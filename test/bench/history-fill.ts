/**
 * Child process of history-bench.ts: grows a database to a given size on disk
 * through the store directly (as the daemon writes: start with the input echo,
 * one append per console line, finish, flush), console-heavy executions of
 * ~200 KB over 4 sessions. Prints one JSON line: the size reached, the
 * executions written, the median and worst durable execution, and its RSS.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../server/store';

const [dbPath, targetMbArg] = process.argv.slice(2);
const LINES = 200;
const TEXT = 'x'.repeat(1000);

/** Every file of the database: the image, its journal and anything beside it named after it (segments included). */
export function historyBytes(db: string, withJournal = true): number {
  let total = 0;
  const dir = path.dirname(db);
  const walk = (p: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    else total += st.size;
  };
  for (const f of fs.readdirSync(dir)) if (f.startsWith(path.basename(db)) && (withJournal || !f.endsWith('.journal'))) walk(path.join(dir, f));
  return total;
}

async function main(): Promise<void> {
  const target = Number(targetMbArg) * 1024 * 1024;
  // Large checkpoints only so that filling today's format takes minutes, not hours; the daemon rows use the defaults.
  const store = await openStore({ path: dbPath, checkpointBytes: 64 * 1024 * 1024 });
  const sessions = [0, 1, 2, 3].map(() => randomUUID());
  const now = new Date().toISOString();
  for (const id of sessions) store.putSession({ id, templateId: randomUUID(), workspaceId: 'w', baseCommitOid: '', worktreePath: '/tmp', status: 'closed', createdAt: now, closedAt: now });
  const samples: number[] = [];
  let written = 0;
  // Without the journal (it is folded into the image or cut at close), so the size reached is the size asked for.
  let size = historyBytes(dbPath, false);
  while (size < target) {
    for (let k = 0; k < 20; k++) {
      const t0 = performance.now();
      const id = randomUUID();
      const sessionId = sessions[written % sessions.length];
      const startedAt = new Date().toISOString();
      const metrics = { wallMs: 0, cpuMs: 0, events: 0, outputBytes: 0 };
      const input = `for (let i = 0; i < ${LINES}; i++) console.log(TEXT, i)`;
      store.startExecution({ id, sessionId, kind: 'repl', input, args: {}, env: {}, status: 'running', startedAt, metrics }, [
        { executionId: id, seq: 1, ts: startedAt, type: 'input_echo', payload: { text: input } },
      ]);
      for (let seq = 2; seq <= LINES + 1; seq++) {
        store.appendEvents([{ executionId: id, seq, ts: startedAt, type: 'console', payload: { level: 'log', text: `${TEXT} ${seq}` } }]);
      }
      store.finishExecution({ id, sessionId, kind: 'repl', input, args: {}, env: {}, status: 'ok', startedAt, endedAt: new Date().toISOString(), metrics: { ...metrics, events: LINES + 1 } });
      await store.flush();
      samples.push(performance.now() - t0);
      written++;
    }
    size = historyBytes(dbPath, false);
  }
  const tail = samples.slice(-200).sort((a, b) => a - b);
  const rssMb = process.memoryUsage().rss / 1048576;
  await store.close();
  process.stdout.write(`${JSON.stringify({ mb: historyBytes(dbPath) / 1048576, executions: written, writeP50Ms: tail[Math.floor(tail.length / 2)] ?? 0, writeMaxMs: tail[tail.length - 1] ?? 0, rssMb })}\n`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (err) => {
    process.stderr.write(`history-fill: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
