/** The journal: checksums, torn tails, replay, checkpoints and rotation, group commit. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import * as zlib from 'node:zlib';
import { openStore, type SqliteStore } from '../../server/store';
import type { Session } from '../../server/protocol';
import { FILL_BYTE, FORMAT_VERSION, HEADER_SIZE, crc32, crc32js, encodeRecord, isPreallocated } from '../../server/store/journal-format';
import { crashCopy, defer, events, execution, finished, logger, session, tempDir } from './helpers';

/** Writes `n` complete executions (put running, 3 events, put finished), flushing after each. */
async function writeExecutions(store: SqliteStore, sessionId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = execution(sessionId);
    store.putExecution(e);
    store.appendEvents(events(e.id));
    store.putExecution(finished(e));
    await store.flush();
    ids.push(e.id);
  }
  return ids;
}

function assertComplete(store: SqliteStore, ids: string[]): void {
  for (const id of ids) {
    assert.equal(store.getExecution(id)?.status, 'ok', id);
    assert.deepEqual(store.listEvents({ executionId: id, afterSeq: 0, limit: 10 }).map((e) => e.seq), [1, 2, 3], id);
  }
}

test('CRC-32 is the standard one', () => {
  const check = Buffer.from('123456789');
  assert.equal(crc32js(check), 0xcbf43926);
  assert.equal(crc32(check), 0xcbf43926);
  const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff));
  const native = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
  if (native) assert.equal(crc32js(random), native(random) >>> 0);
});

test('writes flushed but never checkpointed are replayed after a crash (no close)', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath });
  const s = session();
  store.putSession(s);
  const ids = await writeExecutions(store, s.id, 20);
  defer(t, () => store.close());
  const { lines, log } = logger();
  const reopened = await openStore({ path: crashCopy(t, dbPath), log });
  defer(t, () => reopened.close());
  assertComplete(reopened, ids);
  assert.deepEqual(reopened.getSession(s.id), s);
  assert.deepEqual(lines, []);
});

/** A session with `count` executions written, and a copy of its files as a crash would leave them. */
async function crashedAfter(t: TestContext, count: number): Promise<{ s: Session; ids: string[]; dbPath: string; journalPath: string }> {
  const writer = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  defer(t, () => writer.close());
  const s = session();
  writer.putSession(s);
  const ids = await writeExecutions(writer, s.id, count);
  const dbPath = crashCopy(t, writer.path);
  return { s, ids, dbPath, journalPath: `${dbPath}.journal` };
}

for (const [name, damage] of [
  ['garbage appended', (file: string) => fs.appendFileSync(file, Buffer.from('this is not a record, just noise \x00\x01\x02'))],
  ['zeros appended', (file: string) => fs.appendFileSync(file, Buffer.alloc(4096))],
  ['preallocated space after a torn record', (file: string) => fs.appendFileSync(file, Buffer.concat([encodeRecord(1_000_000, '{"x":1}').subarray(0, 20), Buffer.alloc(4096, FILL_BYTE)]))],
  ['last record cut in the middle', (file: string) => fs.truncateSync(file, fs.statSync(file).size - 7)],
  ['last record header cut', (file: string) => {
    fs.appendFileSync(file, encodeRecord(1_000_000, '{"x":1}').subarray(0, 9));
  }],
] as const) {
  test(`torn journal tail (${name}): opens, warns, keeps every complete record, continues after it`, async (t) => {
    const { s, ids, dbPath, journalPath } = await crashedAfter(t, 10);
    const intactSize = fs.statSync(journalPath).size;
    damage(journalPath);
    const cutLast = name === 'last record cut in the middle';

    const { lines, log } = logger();
    const reopened = await openStore({ path: dbPath, log });
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /warning: .*journal.*truncating \d+ byte/);
    // Cutting the last record loses that operation (the final putExecution of the last execution): it was never acknowledged in a real crash.
    assertComplete(reopened, cutLast ? ids.slice(0, -1) : ids);
    if (cutLast) assert.equal(reopened.getExecution(ids[9])?.status, 'running');
    assert.ok(fs.statSync(journalPath).size <= intactSize, 'tail removed from the file');

    const more = await writeExecutions(reopened, s.id, 3);
    defer(t, () => reopened.close());
    const { lines: again, log: log2 } = logger();
    const third = await openStore({ path: crashCopy(t, dbPath), log: log2 });
    defer(t, () => third.close());
    assert.deepEqual(again, [], 'the repaired journal is clean');
    assertComplete(third, [...(cutLast ? ids.slice(0, -1) : ids), ...more]);
  });
}

test('a tail of preallocated space opens without a warning, and new records overwrite it', async (t) => {
  const { s, ids, dbPath, journalPath } = await crashedAfter(t, 10);
  fs.appendFileSync(journalPath, Buffer.alloc(64 * 1024, FILL_BYTE));

  const { lines, log } = logger();
  const reopened = await openStore({ path: dbPath, log });
  defer(t, () => reopened.close());
  assert.deepEqual(lines, []);
  assertComplete(reopened, ids);
  // Appended after the fill they would be lost at the next open (replay stops at the first bad record).
  const more = await writeExecutions(reopened, s.id, 3);

  const { lines: again, log: log2 } = logger();
  const third = await openStore({ path: crashCopy(t, dbPath), log: log2 });
  defer(t, () => third.close());
  assert.deepEqual(again, []);
  assertComplete(third, [...ids, ...more]);
});

test('under sustained writing the journal keeps preallocated space ahead of its records; a quiet one does not', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath, checkpointBytes: 1024 * 1024 });
  defer(t, () => store.close());
  const s = session();
  store.putSession(s);
  await writeExecutions(store, s.id, 5);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.stats().journal.preallocations, 0, 'a few writes: the file holds only records');
  assert.equal(fs.statSync(`${dbPath}.journal`).size, store.stats().journalBytes);
  while (store.stats().journal.bytes < 80 * 1024) await writeExecutions(store, s.id, 20);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(store.stats().journal.preallocations >= 1, JSON.stringify(store.stats().journal));
  const journal = fs.readFileSync(`${dbPath}.journal`);
  const end = store.stats().journalBytes;
  assert.ok(journal.length >= end + 32 * 1024, `space ahead: file ${journal.length} bytes, records end at ${end}`);
  assert.ok(isPreallocated(journal.subarray(end)));
});

test('background checkpoints keep the journal short and lose nothing written meanwhile', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath, checkpointBytes: 16 * 1024 });
  const s = session();
  store.putSession(s);
  // Four writers, so records keep arriving while checkpoints run; on a slow machine the checkpoints lag the
  // writers, so the writers go on (bounded) until three checkpoints have run under them.
  const batches: string[][] = [];
  for (let wave = 0; wave < 10 && (wave === 0 || store.stats().checkpoint.checkpoints < 3); wave++) {
    batches.push(...await Promise.all([0, 1, 2, 3].map(() => writeExecutions(store, s.id, 60))));
  }
  defer(t, () => store.close());
  const crashed = crashCopy(t, dbPath); // a checkpoint may be running right now: fine, that is the point
  const stats = store.stats();
  assert.ok(stats.checkpoint.checkpoints >= 3, `checkpoints ran: ${JSON.stringify(stats.checkpoint)}`);
  assert.ok(stats.journal.rotations >= 3);
  const journalSize = fs.statSync(`${dbPath}.journal`).size;
  // Bounded by a few checkpoints' worth (one may be running right now), far below what was written.
  assert.ok(journalSize < 128 * 1024 && journalSize < stats.journal.bytes / 2, `journal stays near checkpointBytes (${journalSize} of ${stats.journal.bytes} bytes written)`);
  const { lines, log } = logger();
  const reopened = await openStore({ path: crashed, log });
  defer(t, () => reopened.close());
  assertComplete(reopened, batches.flat());
  assert.equal(reopened.listSessionHistory(s.id).length, 240);
  assert.deepEqual(lines, []);
});

test('an old journal next to a newer image (crash between image rename and journal rotation) replays nothing twice', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const journalPath = `${dbPath}.journal`;
  const store = await openStore({ path: dbPath });
  const s = session();
  store.putSession(s);
  const ids = await writeExecutions(store, s.id, 5);
  const oldJournal = fs.readFileSync(journalPath);
  await store.checkpoint();
  const later = await writeExecutions(store, s.id, 2);
  defer(t, () => store.close());
  const crashed = crashCopy(t, dbPath);
  // Put back the old journal followed by the records written after the checkpoint.
  const afterCheckpoint = fs.readFileSync(`${crashed}.journal`).subarray(HEADER_SIZE);
  fs.writeFileSync(`${crashed}.journal`, Buffer.concat([oldJournal, afterCheckpoint]));
  const { lines, log } = logger();
  const reopened = await openStore({ path: crashed, log });
  defer(t, () => reopened.close());
  assert.deepEqual(lines, [], 'no record failed to replay (a duplicate event would)');
  assertComplete(reopened, [...ids, ...later]);
  assert.equal(reopened.listSessionHistory(s.id).length, 7);
});

test('a journal with a gap after the image, or of another database, is refused and left untouched', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  const journalPath = `${dbPath}.journal`;
  const store = await openStore({ path: dbPath });
  store.putSession(session());
  await store.close(); // image holds lsn 1; the journal is a bare header
  const header = fs.readFileSync(journalPath).subarray(0, HEADER_SIZE);
  fs.writeFileSync(journalPath, Buffer.concat([header, encodeRecord(3, JSON.stringify(['session.put', session()]))]));
  const dbBefore = fs.readFileSync(dbPath);
  const journalBefore = fs.readFileSync(journalPath);
  await assert.rejects(openStore({ path: dbPath }), (err: Error & { code?: string }) => err.code === 'CORRUPT_JOURNAL' && /resumes at 3/.test(err.message));
  assert.ok(fs.readFileSync(dbPath).equals(dbBefore));
  assert.ok(fs.readFileSync(journalPath).equals(journalBefore));

  const otherPath = path.join(dir, 'other.sqlite');
  await (await openStore({ path: otherPath })).close();
  fs.copyFileSync(`${otherPath}.journal`, journalPath);
  const foreign = fs.readFileSync(journalPath);
  await assert.rejects(openStore({ path: dbPath }), (err: Error & { code?: string }) => err.code === 'CORRUPT_JOURNAL' && /different database/.test(err.message));
  assert.ok(fs.readFileSync(journalPath).equals(foreign));
  assert.ok(fs.readFileSync(dbPath).equals(dbBefore));
});

test('a format-1 journal is replayed and rewritten as the current format; a newer format is refused untouched', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath });
  defer(t, () => store.close());
  const s = session();
  store.putSession(s);
  const ids = await writeExecutions(store, s.id, 3); // execution.put and events.append only: what format 1 held
  const withFormat = (file: string, version: number): void => {
    const buf = fs.readFileSync(file);
    buf.writeUInt32LE(version, 24);
    buf.writeUInt32LE(crc32(buf.subarray(0, 44)), 44);
    fs.writeFileSync(file, buf);
  };

  const old = crashCopy(t, dbPath);
  withFormat(`${old}.journal`, 1);
  const upgraded = await openStore({ path: old });
  defer(t, () => upgraded.close());
  assertComplete(upgraded, ids);
  assert.equal(fs.readFileSync(`${old}.journal`).readUInt32LE(24), FORMAT_VERSION, 'rewritten before anything new is appended');
  const more = execution(s.id);
  upgraded.startExecution(more, events(more.id, 1, 1));
  upgraded.finishExecution(finished(more));
  await upgraded.flush();
  const again = await openStore({ path: crashCopy(t, old) });
  defer(t, () => again.close());
  assertComplete(again, ids);
  assert.equal(again.getExecution(more.id)?.status, 'ok');

  const newer = crashCopy(t, dbPath);
  withFormat(`${newer}.journal`, FORMAT_VERSION + 1);
  const before = fs.readFileSync(`${newer}.journal`);
  await assert.rejects(openStore({ path: newer }), (err: Error & { code?: string }) => err.code === 'CORRUPT_JOURNAL' && /newer vm-system/.test(err.message));
  assert.ok(fs.readFileSync(`${newer}.journal`).equals(before));
});

test('a journal whose database is gone is set aside, not replayed into a fresh one', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  const writer = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  writer.putSession(session());
  await writer.flush();
  defer(t, () => writer.close());
  fs.copyFileSync(`${writer.path}.journal`, `${dbPath}.journal`); // the journal, without its database
  const { lines, log } = logger();
  const fresh = await openStore({ path: dbPath, log });
  defer(t, () => fresh.close());
  assert.deepEqual(fresh.listSessions(), []);
  assert.equal(lines.length, 1);
  assert.ok(fs.readdirSync(dir).some((f) => f.startsWith('db.sqlite.journal.orphan-')));
});

test('concurrent flushes are grouped into fewer syncs (group commit)', async (t) => {
  const store = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  defer(t, () => store.close());
  const s = session();
  store.putSession(s);
  await store.flush();
  const before = store.stats().journal.syncs;
  const writers = 8;
  const perWriter = 25;
  await Promise.all(Array.from({ length: writers }, () => writeExecutions(store, s.id, perWriter)));
  const syncs = store.stats().journal.syncs - before;
  assert.ok(syncs < writers * perWriter * 0.75, `${syncs} syncs for ${writers * perWriter} flushes`);
  assert.equal(store.listSessionHistory(s.id).length, writers * perWriter);
});

test('flush resolves at once when there is nothing new, and after close', async (t) => {
  const store = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  await store.flush();
  const syncs = store.stats().journal.syncs;
  await store.flush();
  assert.equal(store.stats().journal.syncs, syncs);
  await store.close();
  await store.flush();
  assert.throws(() => store.putSession(session()), (err: Error & { code?: string }) => err.code === 'CLOSED');
});
