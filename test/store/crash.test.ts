/**
 * kill -9 durability: a writer process is SIGKILLed at random moments, round
 * after round, on the same database (checkpoints are made frequent so kills
 * also land inside them). Every execution it acknowledged (printed after
 * flush() resolved) must be there afterwards, with all its events.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../server/store';
import { defer, killedWriterRound, logger, tempDir } from './helpers';
import { seededRandom } from '../helpers/random';

const WRITER = path.join(__dirname, 'crash-writer.ts');
const ROUNDS = Number(process.env.STORE_CRASH_ROUNDS ?? 24);

interface Round { acked: Map<string, number>; checkpoints: number }

async function runRound(dbPath: string, killAfterMs: number, seed: number): Promise<Round> {
  const acked = new Map<string, number>();
  let checkpoints = 0;
  await killedWriterRound(WRITER, [dbPath, '4', String(24 * 1024), String(seed)], killAfterMs, (line) => {
    if (line === 'checkpoint') checkpoints++;
    const m = /^ack (\S+) (\d+)$/.exec(line);
    if (m) acked.set(m[1], Number(m[2]));
  });
  return { acked, checkpoints };
}

test(`kill -9 at random moments over ${ROUNDS} rounds loses no acknowledged execution or event`, { timeout: 300_000 }, async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const random = seededRandom();
  t.diagnostic(`seed ${random.seed} (VM_SYSTEM_TEST_SEED=${random.seed} replays these kill moments and the writer's choices)`);
  const all = new Map<string, number>();
  let checkpoints = 0;
  // A slow machine does less per round: rounds go on (up to 3 × ROUNDS) until the load below was reached.
  const enough = (): boolean => all.size > ROUNDS * 20 && checkpoints > ROUNDS;
  for (let round = 0; round < ROUNDS || (round < 3 * ROUNDS && !enough()); round++) {
    // Mostly mid-run kills, sometimes right after startup (during recovery's flush or the first checkpoint).
    const killAfter = round % 6 === 0 ? Math.floor(random.next() * 5) : 20 + Math.floor(random.next() * 300);
    const result = await runRound(dbPath, killAfter, random.seed + round);
    for (const [id, n] of result.acked) all.set(id, n);
    checkpoints += result.checkpoints;
  }
  assert.ok(all.size > ROUNDS * 20, `enough load: ${all.size} acknowledged executions`);
  assert.ok(checkpoints > ROUNDS, `checkpoints ran under the kills: ${checkpoints}`);

  const { lines, log } = logger();
  const store = await openStore({ path: dbPath, log });
  defer(t, () => store.close());
  const missing: string[] = [];
  for (const [id, count] of all) {
    const e = store.getExecution(id);
    const seqs = store.listEvents({ executionId: id, afterSeq: 0, limit: 100 }).map((ev) => ev.seq);
    if (e?.status !== 'ok' || seqs.length !== count || seqs.some((s, i) => s !== i + 1)) {
      missing.push(`${id}: status ${e?.status}, events ${seqs.join(',')} (expected ${count})`);
    }
  }
  assert.deepEqual(missing, [], `${missing.length} of ${all.size} acknowledged executions damaged`);
  assert.ok(lines.every((l) => /truncating/.test(l)), `only torn-tail warnings: ${lines.join('\n')}`);
  t.diagnostic(`${all.size} acknowledged executions and ${checkpoints} checkpoints over ${ROUNDS} kills; torn-tail warnings at the final open: ${lines.length}`);
});
