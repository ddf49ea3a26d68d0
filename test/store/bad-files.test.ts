/** Files the store must refuse without changing a byte, and files it may initialise. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../server/store';
import { loadSqlJs } from '../../server/store/sqljs';
import { defer, events, execution, finished, session, tempDir } from './helpers';

type Coded = Error & { code?: string };

/** Opening must reject with `code`, and leave every file in the directory byte-for-byte as it was. */
async function assertRefused(dir: string, dbPath: string, code: string, message?: RegExp): Promise<void> {
  const snapshot = () => new Map(fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
  const before = snapshot();
  await assert.rejects(openStore({ path: dbPath }), (err: Coded) => {
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    assert.ok(err.message.includes(dbPath), 'the message names the file');
    return true;
  });
  const after = snapshot();
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'no file created or removed');
  for (const [name, bytes] of before) assert.ok(after.get(name)!.equals(bytes), `${name} unchanged`);
}

/** A real vm-system database with some history and a non-empty journal. */
async function populated(dbPath: string): Promise<void> {
  const store = await openStore({ path: dbPath });
  const s = session();
  store.putSession(s);
  for (let i = 0; i < 300; i++) {
    const e = execution(s.id, { input: `compute(${i}) // ${'x'.repeat(100)}` });
    store.putExecution(e);
    store.appendEvents(events(e.id));
    store.putExecution(finished(e));
  }
  await store.close();
  const again = await openStore({ path: dbPath });
  again.putSession(session());
  // Left open, never closed: its files now look like a crashed daemon's (a journal record to replay).
  await again.flush();
}

test('a text file is refused as not SQLite and left untouched', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'notes.db');
  fs.writeFileSync(dbPath, 'these are my notes, not a database\n'.repeat(50));
  await assertRefused(dir, dbPath, 'CORRUPT_DATABASE', /not a SQLite database/);
});

test('a SQLite header over garbage is refused and left untouched', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  await populated(dbPath);
  const bytes = fs.readFileSync(dbPath);
  for (let i = 100; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
  fs.writeFileSync(dbPath, bytes);
  await assertRefused(dir, dbPath, 'CORRUPT_DATABASE');
});

test('a vm-system database with a damaged page is refused, and its journal is not replayed or cut', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  await populated(dbPath);
  const bytes = fs.readFileSync(dbPath);
  const pageSize = bytes.readUInt16BE(16);
  const page = Math.floor(bytes.length / pageSize / 2);
  bytes.fill(0xa5, page * pageSize + 8, page * pageSize + pageSize - 8);
  fs.writeFileSync(dbPath, bytes);
  fs.appendFileSync(`${dbPath}.journal`, 'torn tail that a successful open would cut');
  await assertRefused(dir, dbPath, 'CORRUPT_DATABASE', /damaged/);
});

test('a truncated database file is refused and left untouched', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  await populated(dbPath);
  fs.truncateSync(dbPath, Math.floor(fs.statSync(dbPath).size / 2) + 123);
  await assertRefused(dir, dbPath, 'CORRUPT_DATABASE');
});

test("another program's SQLite database is refused and left untouched", async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'app.sqlite');
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada');");
  fs.writeFileSync(dbPath, db.export());
  db.close();
  await assertRefused(dir, dbPath, 'FOREIGN_DATABASE');
});

test('a database from a newer vm-system (higher schema version) is refused and left untouched', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  await (await openStore({ path: dbPath })).close();
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(dbPath));
  db.exec('PRAGMA user_version = 999');
  fs.writeFileSync(dbPath, db.export());
  db.close();
  await assertRefused(dir, dbPath, 'UNSUPPORTED_SCHEMA', /999/);
});

test('an empty file, a blank SQLite file and a missing directory all give a fresh database', async (t) => {
  const dir = tempDir(t);
  const empty = path.join(dir, 'empty.db');
  fs.writeFileSync(empty, '');
  const blank = path.join(dir, 'blank.db');
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  fs.writeFileSync(blank, db.export());
  db.close();
  const nested = path.join(dir, 'a', 'b', 'c.db');
  for (const file of [empty, blank, nested]) {
    const store = await openStore({ path: file });
    defer(t, () => store.close());
    assert.deepEqual(store.listSessions(), []);
    const s = session();
    store.putSession(s);
    await store.close();
    const reopened = await openStore({ path: file });
    assert.deepEqual(reopened.getSession(s.id), s);
    await reopened.close();
  }
});
