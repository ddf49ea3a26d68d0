/**
 * Helper process for segment-crash.test.ts: like crash-writer.ts, but writes
 * as the daemon does (start with the echo, one append per line, finish),
 * with payloads of up to 2 KB, tiny segments (so they rotate and are dropped
 * all the time) and a compaction every few executions. Prints
 * `ack <sessionId> <executionId> <eventCount>` once flush() resolved.
 */
import { randomUUID } from 'node:crypto';
import { acquireDatabaseLock, openStore } from '../../server/store';
import type { Event, Execution } from '../../server/protocol';
import { seededRandom } from '../helpers/random';

const [dbPath, writersArg, checkpointArg, segmentArg, keepArg, seedArg] = process.argv.slice(2);
const random = seededRandom(Number(seedArg) || undefined);

async function main(): Promise<void> {
  const lock = acquireDatabaseLock(dbPath, { pid: process.pid });
  if (!lock.ok) throw new Error(`lock held by ${lock.holder.pid}`);
  const store = await openStore({ path: dbPath, checkpointBytes: Number(checkpointArg), segmentBytes: Number(segmentArg), log: (l) => process.stderr.write(`${l}\n`) });
  store.recoverAfterRestart(new Date().toISOString(), 'daemon restarted');
  await store.flush();
  process.stdout.write('ready\n');
  let written = 0;

  // The same sessions every round, so compaction keeps a bounded set across the kills.
  const writer = async (w: number): Promise<void> => {
    const sessionId = `00000000-0000-4000-8000-${String(w).padStart(12, '0')}`;
    store.putSession({ id: sessionId, templateId: randomUUID(), workspaceId: 'w', baseCommitOid: '', worktreePath: '/tmp', status: 'ready', createdAt: new Date().toISOString() });
    for (;;) {
      const id = randomUUID();
      const startedAt = new Date().toISOString();
      const running: Execution = { id, sessionId, kind: 'repl', input: 'x', args: {}, env: {}, status: 'running', startedAt, metrics: { wallMs: 0, cpuMs: 0, events: 0, outputBytes: 0 } };
      const count = 1 + Math.floor(random.next() * 6);
      const event = (seq: number): Event => ({ executionId: id, seq, ts: new Date().toISOString(), type: 'console', payload: { level: 'log', text: `${id}:${seq} ${'.'.repeat(Math.floor(random.next() * 2000))}` } });
      store.startExecution(running, [event(1)]);
      for (let seq = 2; seq <= count; seq++) {
        store.appendEvents([event(seq)]);
        if (seq % 2 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      store.finishExecution({ ...running, status: 'ok', endedAt: new Date().toISOString(), metrics: { ...running.metrics, events: count } });
      if (++written % 7 === 0) store.compact({ keepPerSession: Number(keepArg), now: new Date().toISOString() });
      await store.flush();
      process.stdout.write(`ack ${sessionId} ${id} ${count}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(writersArg) }, (_, w) => writer(w)));
}

main().catch((err) => {
  process.stderr.write(`segment-crash-writer: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
