/**
 * kill -9 with event segments rotating and being dropped all the time: a
 * writer process (tiny segments, frequent checkpoints, a compaction every 7
 * executions keeping the newest K per session) is SIGKILLed at random
 * moments. Afterwards the newest acknowledged executions of every session are
 * there with all their events, every execution left reads without a checksum
 * error, and the segments on disk stay bounded by what is kept, not by what
 * was ever written.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../server/store';
import { defer, killedWriterRound, logger, tempDir } from './helpers';
import { seededRandom } from '../helpers/random';

const WRITER = path.join(__dirname, 'segment-crash-writer.ts');
const ROUNDS = Number(process.env.STORE_CRASH_ROUNDS ?? 16);
const KEEP = 12;
const SEGMENT_BYTES = 16 * 1024;

interface Ack { sessionId: string; id: string; count: number }

async function runRound(dbPath: string, killAfterMs: number, seed: number): Promise<Ack[]> {
  const acks: Ack[] = [];
  await killedWriterRound(WRITER, [dbPath, '3', String(24 * 1024), String(SEGMENT_BYTES), String(KEEP), String(seed)], killAfterMs, (line) => {
    const m = /^ack (\S+) (\S+) (\d+)$/.exec(line);
    if (m) acks.push({ sessionId: m[1], id: m[2], count: Number(m[3]) });
  });
  return acks;
}

test(`kill -9 while segments rotate and compaction drops them (${ROUNDS}+ rounds)`, { timeout: 300_000 }, async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const random = seededRandom();
  t.diagnostic(`seed ${random.seed} (VM_SYSTEM_TEST_SEED=${random.seed} replays these kill moments and the writer's choices)`);
  const acks: Ack[] = [];
  // On a busy machine rounds write less: go on until enough was written for the bound below to mean something.
  let rounds = 0;
  for (let round = 0; round < ROUNDS || (acks.length < 600 && round < 4 * ROUNDS); round++) {
    rounds++;
    const killAfter = round % 5 === 0 ? Math.floor(random.next() * 5) : 50 + Math.floor(random.next() * 400);
    acks.push(...await runRound(dbPath, killAfter, random.seed + round));
  }
  const bySession = new Map<string, Ack[]>();
  for (const a of acks) bySession.set(a.sessionId, [...(bySession.get(a.sessionId) ?? []), a]);
  // Texts average 1 KB: half of that is a safe lower bound over hundreds of events.
  const writtenBytes = acks.reduce((n, a) => n + a.count, 0) * 500;
  assert.ok(acks.length > ROUNDS * 5, `enough load: ${acks.length} acknowledged executions`);

  const { lines, log } = logger();
  const store = await openStore({ path: dbPath, log, segmentBytes: SEGMENT_BYTES });
  defer(t, () => store.close());
  const damaged: string[] = [];
  for (const [sessionId, list] of bySession) {
    // Compaction keeps the newest K of each session (some of them executions a kill interrupted), so
    // what is left of the acknowledged ones is a suffix of them, never empty, and each is whole.
    const present = list.map((a) => store.getExecution(a.id) !== undefined);
    const firstKept = present.indexOf(true);
    if (firstKept < 0 || present.slice(firstKept).includes(false)) damaged.push(`${sessionId}: kept ${present.map(Number).join('')}`);
    for (const a of list.slice(Math.max(0, firstKept))) {
      const e = store.getExecution(a.id);
      const seqs = store.listEvents({ executionId: a.id, afterSeq: 0, limit: 100 }).map((ev) => ev.seq);
      if (e?.status !== 'ok' || seqs.length !== a.count || seqs.some((s, i) => s !== i + 1)) damaged.push(`${a.id}: status ${e?.status}, events ${seqs.join(',')} (expected ${a.count})`);
    }
    // K, plus what came after the last compaction (one every 7 executions) and the one the kill interrupted.
    assert.ok(store.listSessionHistory(sessionId).length <= KEEP + 8, `compaction ran: ${store.listSessionHistory(sessionId).length}`);
  }
  assert.deepEqual(damaged, [], `${damaged.length} kept acknowledged executions damaged`);
  for (const s of store.listSessions()) {
    for (const e of store.listSessionHistory(s.id)) store.listEvents({ executionId: e.id, afterSeq: 0, limit: 100 }); // throws on a bad checksum
  }
  assert.ok(lines.every((l) => /truncating/.test(l)), `only torn-tail warnings: ${lines.join('\n')}`);
  const segmentFiles = fs.readdirSync(`${dbPath}.events`);
  const segmentBytes = segmentFiles.reduce((n, f) => n + fs.statSync(path.join(`${dbPath}.events`, f)).size, 0);
  const kept = store.listSessions().length * KEEP * 6 * 2100; // sessions × K × at most 6 events × at most 2.1 KB
  assert.ok(segmentBytes < kept + 4 * SEGMENT_BYTES && segmentBytes < writtenBytes / 2, `segments on disk (${segmentBytes} bytes in ${segmentFiles.length} files) bounded by what is kept (≤ ${kept} bytes live), not by what was written (≥ ${writtenBytes})`);
  t.diagnostic(`${acks.length} acknowledged executions over ${rounds} kills; ${segmentFiles.length} segment files, ${segmentBytes} bytes`);
});
