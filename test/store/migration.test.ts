/**
 * A database written by the build before event segments (schema 2, commit
 * 9c8276e: every event inside the SQLite image; fixture made by
 * fixtures/make-v2-db.ts) opens, is converted once, and reads the same.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../server/store';
import { SCHEMA_VERSION } from '../../server/store/schema';
import { loadSqlJs } from '../../server/store/sqljs';
import type { Event } from '../../server/protocol';
import { defer, logger, tempDir } from './helpers';

const FIXTURE = path.join(__dirname, 'fixtures/v2');
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (n: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

/** What make-v2-db.ts wrote for execution `n`. */
function expectedEvents(n: number, lines: number): Event[] {
  const id = uuid(100 + n);
  const input = `for (let i = 0; i < ${lines}; i++) console.log('line', i)`;
  return [
    // The v2 fixture wrote an echo of another shape; the store keeps payloads as they were written.
    { executionId: id, seq: 1, ts: at(n), type: 'input_echo', payload: { kind: 'repl', input } } as unknown as Event,
    ...Array.from({ length: lines }, (_, i): Event => ({ executionId: id, seq: i + 2, ts: at(n), type: 'console', payload: { level: 'log', text: `line ${i} of execution ${n} ${'é'.repeat(i % 7)}` } })),
  ];
}
const WRITTEN: Array<[number, number]> = [[1, 20], [2, 40], [3, 60], [4, 5], [5, 3]];

function copyFixture(dir: string): string {
  for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
  return path.join(dir, 'history.db');
}

async function inlineEventCount(dbPath: string): Promise<{ version: number; inline: number }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(dbPath));
  try {
    const version = Number(db.exec('PRAGMA user_version')[0].values[0][0]);
    const inline = Number(db.exec('SELECT count(*) FROM events')[0].values[0][0]);
    return { version, inline };
  } finally {
    db.close();
  }
}

test('a database of the previous format opens, is converted once, and its old history reads the same', async (t) => {
  const dir = tempDir(t);
  const dbPath = copyFixture(dir);
  assert.deepEqual(await inlineEventCount(dbPath), { version: 2, inline: 1 + 20 + 1 + 40 + 1 + 60 }, 'the fixture holds its events inline');

  const first = logger();
  const store = await openStore({ path: dbPath, log: first.log });
  // Before recovery: the execution that was running still reads, from sql.js.
  for (const [n, lines] of WRITTEN) {
    assert.deepEqual(store.listEvents({ executionId: uuid(100 + n), afterSeq: 0, limit: 1000 }), expectedEvents(n, lines), `execution ${n}`);
  }
  assert.equal(store.getExecution(uuid(105))?.status, 'running');
  assert.deepEqual(store.recoverAfterRestart(at(100), 'daemon restarted'), { sessions: 1, executions: 1 });
  assert.deepEqual(store.listEvents({ executionId: uuid(103), afterSeq: 50, limit: 3 }).map((e) => e.seq), [51, 52, 53], 'paging inside a converted record');
  await store.close();
  assert.equal(first.lines.filter((l) => /moved the events of 3 finished execution\(s\)/.test(l)).length, 1, first.lines.join('\n'));

  // The image on disk is converted: no event of a finished execution is left inside it.
  assert.deepEqual(await inlineEventCount(dbPath), { version: SCHEMA_VERSION, inline: 0 });
  assert.ok(fs.readdirSync(`${dbPath}.events`).some((f) => /^segment-\d+\.log$/.test(f)));

  const second = logger();
  const reopened = await openStore({ path: dbPath, log: second.log });
  defer(t, () => reopened.close());
  assert.deepEqual(second.lines, [], 'nothing to convert the second time');
  for (const [n, lines] of WRITTEN) {
    assert.deepEqual(reopened.listEvents({ executionId: uuid(100 + n), afterSeq: 0, limit: 1000 }), expectedEvents(n, lines), `execution ${n} after conversion`);
  }
  assert.equal(reopened.getExecution(uuid(105))?.status, 'interrupted');
});

test('a conversion interrupted by a crash is redone from the old image', async (t) => {
  const dir = tempDir(t);
  const dbPath = copyFixture(dir);
  const store = await openStore({ path: dbPath });
  // A kill -9 now: the conversion wrote segments, but no image references them yet.
  const crashed = path.join(tempDir(t), 'history.db');
  for (const f of fs.readdirSync(dir)) fs.cpSync(path.join(dir, f), path.join(path.dirname(crashed), f), { recursive: true });
  await store.close();
  assert.equal((await inlineEventCount(crashed)).version, 2);
  const reopened = await openStore({ path: crashed });
  defer(t, () => reopened.close());
  for (const [n, lines] of WRITTEN) {
    assert.deepEqual(reopened.listEvents({ executionId: uuid(100 + n), afterSeq: 0, limit: 1000 }), expectedEvents(n, lines), `execution ${n}`);
  }
});

test('a damaged segment record leaves its events out with a warning; the rest reads and the database opens', async (t) => {
  const dir = tempDir(t);
  const dbPath = copyFixture(dir);
  const first = await openStore({ path: dbPath });
  await first.close();
  // Flip a byte inside the first record (execution 1's events) behind the store's back.
  const segment = path.join(`${dbPath}.events`, fs.readdirSync(`${dbPath}.events`)[0]);
  const bytes = fs.readFileSync(segment);
  bytes[20] ^= 0xff;
  fs.writeFileSync(segment, bytes);
  const { lines, log } = logger();
  const store = await openStore({ path: dbPath, log });
  defer(t, () => store.close());
  assert.deepEqual(store.listEvents({ executionId: uuid(101), afterSeq: 0, limit: 1000 }), []);
  assert.match(lines.join('\n'), /segment-000001\.log at byte 0 cannot be read \(segment 1 record at byte 0 fails its checksum\); they are left out/);
  assert.deepEqual(store.listEvents({ executionId: uuid(102), afterSeq: 0, limit: 1000 }), expectedEvents(2, 40));
});
