/**
 * Helper process for crash.test.ts, behaving like a daemon under load: takes
 * the lock, opens the store (replaying whatever the previous, killed writer
 * left), recovers, then runs several writers that each record executions and
 * print `ack <executionId> <eventCount>` only after flush() resolved — the
 * moment the daemon would answer the request — and `checkpoint` whenever a
 * background checkpoint completed. The test kills it with SIGKILL.
 */
import { randomUUID } from 'node:crypto';
import { acquireDatabaseLock, openStore } from '../../server/store';
import type { Event } from '../../server/protocol';
import { seededRandom } from '../helpers/random';

const [dbPath, writersArg, checkpointArg, seedArg] = process.argv.slice(2);
const random = seededRandom(Number(seedArg) || undefined);

async function main(): Promise<void> {
  const lock = acquireDatabaseLock(dbPath, { pid: process.pid });
  if (!lock.ok) throw new Error(`lock held by ${lock.holder.pid}`);
  const store = await openStore({ path: dbPath, checkpointBytes: Number(checkpointArg), log: (l) => process.stderr.write(`${l}\n`) });
  store.recoverAfterRestart(new Date().toISOString(), 'daemon restarted');
  await store.flush();
  process.stdout.write('ready\n');
  let checkpoints = 0;

  const writer = async (): Promise<void> => {
    const sessionId = randomUUID();
    store.putSession({ id: sessionId, templateId: randomUUID(), workspaceId: 'w', baseCommitOid: '', worktreePath: '/tmp', status: 'ready', createdAt: new Date().toISOString() });
    for (;;) {
      const id = randomUUID();
      const startedAt = new Date().toISOString();
      const metrics = { wallMs: 0, cpuMs: 0, events: 0, outputBytes: 0 };
      store.putExecution({ id, sessionId, kind: 'repl', input: 'x', args: {}, env: {}, status: 'running', startedAt, metrics });
      const count = 1 + Math.floor(random.next() * 5);
      const events: Event[] = [];
      for (let seq = 1; seq <= count; seq++) {
        events.push({ executionId: id, seq, ts: new Date().toISOString(), type: 'console', payload: { level: 'log', text: `${id}:${seq} ${'.'.repeat(Math.floor(random.next() * 300))}` } });
      }
      // Events arrive in two bursts, as they would from a running execution.
      store.appendEvents(events.slice(0, 1));
      await new Promise((resolve) => setImmediate(resolve));
      store.appendEvents(events.slice(1));
      store.putExecution({ id, sessionId, kind: 'repl', input: 'x', args: {}, env: {}, status: 'ok', startedAt, endedAt: new Date().toISOString(), metrics: { ...metrics, events: count } });
      await store.flush();
      process.stdout.write(`ack ${id} ${count}\n`);
      const done = store.stats().checkpoint.checkpoints;
      if (done > checkpoints) {
        checkpoints = done;
        process.stdout.write('checkpoint\n');
      }
    }
  };
  await Promise.all(Array.from({ length: Number(writersArg) }, writer));
}

main().catch((err) => {
  process.stderr.write(`crash-writer: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
