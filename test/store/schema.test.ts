/** Migrations: ordered, each atomic with its version bump, applied once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../server/store/connection';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, initBlank, migrate, type Migration } from '../../server/store/schema';
import { loadSqlJs } from '../../server/store/sqljs';

async function blank(): Promise<Connection> {
  const SQL = await loadSqlJs();
  return new Connection(new SQL.Database());
}

const version = (c: Connection) => Number(c.get('PRAGMA user_version')![0]);
const tables = (c: Connection) => c.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r[0]);

test('a fresh database gets every migration, the application id and its meta rows', async () => {
  const c = await blank();
  initBlank(c, '6f1c2a52-5a43-4d2e-9a43-1f2e3d4c5b6a');
  assert.equal(version(c), SCHEMA_VERSION);
  assert.equal(Number(c.get('PRAGMA application_id')![0]), APPLICATION_ID);
  assert.deepEqual(tables(c), ['capabilities', 'event_chunks', 'events', 'executions', 'libraries', 'meta', 'segments', 'sessions', 'startup_files', 'templates']);
  assert.deepEqual(c.all('SELECT key, value FROM meta ORDER BY key'), [['checkpoint_lsn', '0'], ['db_id', '6f1c2a52-5a43-4d2e-9a43-1f2e3d4c5b6a']]);
  assert.equal(migrate(c), 0, 'nothing left to apply');
  c.close();
});

test('later migrations apply once, in order, on top of what the image has', async () => {
  const c = await blank();
  initBlank(c, '6f1c2a52-5a43-4d2e-9a43-1f2e3d4c5b6a');
  const next: Migration[] = [
    ...MIGRATIONS,
    { version: SCHEMA_VERSION + 1, name: 'tags', sql: 'CREATE TABLE tags (name TEXT PRIMARY KEY);' },
    { version: SCHEMA_VERSION + 2, name: 'tag index', sql: 'ALTER TABLE tags ADD COLUMN color TEXT; CREATE INDEX tags_by_color ON tags (color);' },
  ];
  assert.equal(migrate(c, next), 2);
  assert.equal(version(c), SCHEMA_VERSION + 2);
  assert.equal(migrate(c, next), 0);
  c.close();
});

test('a failing migration leaves neither its changes nor its version behind', async () => {
  const c = await blank();
  initBlank(c, '6f1c2a52-5a43-4d2e-9a43-1f2e3d4c5b6a');
  const broken: Migration[] = [
    ...MIGRATIONS,
    { version: SCHEMA_VERSION + 1, name: 'half', sql: 'CREATE TABLE half (x); CREATE TABLE half (y);' },
  ];
  assert.throws(() => migrate(c, broken), /already exists/);
  assert.equal(version(c), SCHEMA_VERSION);
  assert.ok(!tables(c).includes('half'));
  c.close();
});

test('a database of schema version 2 (before installed libraries) opens: it gains the libraries table and keeps its rows', async () => {
  const c = await blank();
  c.execConstant(`PRAGMA application_id = ${APPLICATION_ID}`);
  assert.equal(migrate(c, MIGRATIONS.filter((m) => m.version <= 2)), 2);
  c.run("INSERT INTO templates (id, name, engine, created_at, updated_at, settings_json, modules_json, libraries_json) VALUES ('t1', 'old', 'isolated-vm', 'x', 'x', '{}', '[]', '[\"lodash\"]')");
  assert.equal(migrate(c), MIGRATIONS.filter((m) => m.version > 2).length);
  assert.equal(version(c), SCHEMA_VERSION);
  assert.ok(tables(c).includes('libraries'));
  assert.deepEqual(c.all('SELECT name, libraries_json FROM templates'), [['old', '["lodash"]']]);
  assert.deepEqual(c.all('SELECT count(*) FROM libraries'), [[0]]);
  c.close();
});
