/**
 * kill -9 at random moments while several sessions write: every execution the
 * daemon acknowledged, with all its events, is there after a restart; nothing
 * is left `running`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as P from '../../server/protocol';
import { openSession, startDaemon, tempDir } from '../helpers/daemon';
import path from 'node:path';
import { seededRandom } from '../helpers/random';

const ROUNDS = 20;

test(`acknowledged executions survive kill -9 (${ROUNDS} rounds, 3 sessions)`, { timeout: 240_000 }, async (t) => {
  const random = seededRandom();
  t.diagnostic(`seed ${random.seed} (VM_SYSTEM_TEST_SEED=${random.seed} replays these kill moments)`);
  const dbPath = path.join(tempDir(), 'kill.db');
  const acknowledged: P.ExecutionWithEvents[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const d = await startDaemon({ dbPath });
    const sessions = await Promise.all([0, 1, 2].map(() => openSession(d)));
    let killed = false;
    const writers = sessions.map(async ({ session }, w) => {
      for (let i = 0; !killed; i++) {
        try {
          const e = await d.call(P.ExecutionsRepl, { sessionId: session.id, input: `console.log("r${round} w${w} i${i}"); ${i}` });
          acknowledged.push(e); // answered means acknowledged, even after the kill was decided
        } catch {
          return; // the daemon is gone
        }
      }
    });
    await new Promise((r) => setTimeout(r, 30 + random.next() * 120));
    killed = true;
    await d.kill('SIGKILL');
    await Promise.all(writers);
  }
  const d = await startDaemon({ dbPath });
  try {
    assert.ok(acknowledged.length > ROUNDS, `only ${acknowledged.length} acknowledged`);
    for (const e of acknowledged) {
      const { events, ...execution } = e;
      assert.deepEqual(await d.call(P.ExecutionsGet, { executionId: e.id }), execution);
      assert.deepEqual((await d.call(P.ExecutionsEvents, { executionId: e.id })).events, events);
    }
    const sessions = (await d.call(P.SessionsList, {})).sessions;
    assert.ok(sessions.every((s) => s.status !== 'ready' && s.status !== 'starting'));
    for (const s of sessions) {
      const { executions } = await d.call(P.ExecutionsList, { sessionId: s.id, limit: 1000 });
      assert.ok(executions.every((e) => e.status !== 'running'));
    }
  } finally {
    await d.stop();
  }
});
