/**
 * require('database') against the spawned daemon: in-memory and file
 * databases, parameters, rows as plain copies, SQLite errors, saving at the
 * end of each execution (and not while a transaction is open), a fresh
 * session reading the file, the read-only capability, and database paths
 * that leave the worktree.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadSqlJs } from '../../server/store/sqljs';
import { startDaemon, type TestDaemon } from '../helpers/daemon';
import { moduleSession, outsideDir } from '../helpers/modules';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

/** Rows of `sql` in the database file, read by this process (not the session). */
async function rowsOnDisk(file: string, sql: string): Promise<unknown[][]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(readFileSync(file));
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

test('in memory: configure(), exec with params, query rows as plain objects', async () => {
  const s = await moduleSession(d, { modules: ['database'] });
  assert.deepEqual(await s.value('const db = require("database"); db.configure()'), { path: null, readOnly: false });
  assert.deepEqual(await s.value('db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB); INSERT INTO t (name) VALUES (\'a\'), (\'b\')")'), { changes: 2, lastInsertRowid: 2 });
  assert.deepEqual(await s.value('db.exec("INSERT INTO t (name, data) VALUES (?, ?)", ["c", new Uint8Array([1, 2])])'), { changes: 1, lastInsertRowid: 3 });
  assert.deepEqual(await s.value('db.exec("UPDATE t SET name = upper(name) WHERE id < :max", { max: 3 })'), { changes: 2, lastInsertRowid: 3 });
  assert.deepEqual(await s.value('db.query("SELECT id, name FROM t ORDER BY id")'), [{ id: 1, name: 'A' }, { id: 2, name: 'B' }, { id: 3, name: 'c' }]);
  assert.deepEqual(await s.value('db.query("SELECT name FROM t WHERE id = $id", { $id: 2 })'), [{ name: 'B' }]);
  assert.equal(await s.value('const blob = db.query("SELECT data FROM t WHERE id = 3")[0].data; blob instanceof Uint8Array && blob.join()'), '1,2');
  assert.deepEqual(await s.value('db.query("SELECT ? AS t, ? AS n, ? AS big", [true, null, 10n])'), [{ t: 1, n: null, big: 10 }]);
  // results are copies: changing them changes nothing, and they have no host prototype
  assert.equal(await s.value('const rows = db.query("SELECT * FROM t"); rows[0].name = "zzz"; Object.getPrototypeOf(rows[0]) === Object.prototype && db.query("SELECT name FROM t WHERE id = 1")[0].name'), 'A');
  // the connection lives on across executions, like the session's globals
  assert.deepEqual(await s.value('require("database").query("SELECT count(*) AS n FROM t")'), [{ n: 3 }]);
  assert.equal(await s.value('require("database").close(); "closed"'), 'closed');
});

test('errors: not configured, SQLite messages, one statement per query', async () => {
  const s = await moduleSession(d, { modules: ['database'] });
  assert.match(await s.thrown('require("database").query("SELECT 1")'), /^Error: database is not configured: call require\('database'\)\.configure\(\)/);
  await s.value('require("database").configure()');
  assert.equal(await s.thrown('require("database").query("SELECT * FROM nope")'), 'SqliteError: no such table: nope');
  assert.match(await s.thrown('require("database").exec("CREATE TABLE")'), /^SqliteError: incomplete input/);
  assert.match(await s.thrown('require("database").query("SELECT 1; SELECT 2")'), /^SqliteError: The supplied SQL string contains more than one statement/);
  assert.match(await s.thrown('require("database").exec("CREATE TABLE a(x); CREATE TABLE b(x)", [])'), /more than one statement/);
  assert.deepEqual(await s.value('require("database").query("SELECT name FROM sqlite_schema")'), [], 'nothing of a refused script ran');
  assert.match(await s.thrown('require("database").query("SELECT ?", [{}])'), /^TypeError: SQL parameter #1: cannot bind a value of type object/);
  assert.deepEqual(await s.value('require("database").query("SELECT 1 AS one; -- trailing comment")'), [{ one: 1 }]);
});

test('a file database is saved when the execution ends, seen by the next one and by a fresh session', async () => {
  const s = await moduleSession(d, { modules: ['database'], files: { 'data/.keep': '' } });
  const file = path.join(s.worktree, 'data/app.db');
  assert.deepEqual(await s.value('const db = require("database"); db.configure("data/app.db")'), { path: 'data/app.db', readOnly: false });
  assert.ok(existsSync(file), 'a new file database is created at the end of the execution');
  await s.value('db.exec("CREATE TABLE notes (body TEXT)"); db.exec("INSERT INTO notes VALUES (?)", ["first"])');
  assert.deepEqual(await rowsOnDisk(file, 'SELECT body FROM notes'), [['first']]);
  assert.deepEqual(await s.value('db.query("SELECT body FROM notes")'), [{ body: 'first' }]);

  // PRAGMA foreign_keys survives the save (sql.js reopens the connection to serialise)
  await s.value('db.exec("PRAGMA foreign_keys = ON")');
  await s.value('db.exec("INSERT INTO notes VALUES (\'second\')")');
  assert.deepEqual(await s.value('db.query("PRAGMA foreign_keys")'), [{ foreign_keys: 1 }]);

  const fresh = await moduleSession(d, { modules: ['database'], worktree: s.worktree });
  assert.deepEqual(await fresh.value('const db = require("database"); db.configure("data/app.db"); db.query("SELECT body FROM notes ORDER BY rowid")'), [{ body: 'first' }, { body: 'second' }]);
  // close() saves too; afterwards the module wants configure() again
  await fresh.value('db.exec("INSERT INTO notes VALUES (\'third\')"); db.close()');
  assert.deepEqual(await rowsOnDisk(file, 'SELECT count(*) FROM notes'), [[3]]);
  assert.match(await fresh.thrown('db.query("SELECT 1")'), /not configured/);
  // absolute paths inside the worktree name the same file
  assert.deepEqual(await fresh.value(`db.configure(${JSON.stringify(file)}); db.query("SELECT count(*) AS n FROM notes")`), [{ n: 3 }]);
});

test('an open transaction is not saved until it commits', async () => {
  const s = await moduleSession(d, { modules: ['database'] });
  const file = path.join(s.worktree, 'tx.db');
  await s.value('const db = require("database"); db.configure("tx.db"); db.exec("CREATE TABLE t (x)")');
  await s.value('db.exec("BEGIN"); db.exec("INSERT INTO t VALUES (1)")');
  assert.deepEqual(await rowsOnDisk(file, 'SELECT count(*) FROM t'), [[0]]);
  assert.deepEqual(await s.value('db.query("SELECT count(*) AS n FROM t")'), [{ n: 1 }], 'still open in the session');
  await s.value('db.exec("COMMIT")');
  assert.deepEqual(await rowsOnDisk(file, 'SELECT count(*) FROM t'), [[1]]);
});

test('a file that is not a database, and database paths outside the worktree', async () => {
  const outside = outsideDir();
  const s = await moduleSession(d, { modules: ['database'], files: { 'notes.txt': 'x'.repeat(200) } });
  symlinkSync(outside, path.join(s.worktree, 'out'));
  symlinkSync(path.join(outside, 'planted.db'), path.join(s.worktree, 'dangling.db'));
  assert.equal(await s.thrown('require("database").configure("notes.txt")'), 'SqliteError: file is not a database');
  assert.equal(await s.thrown('require("database").configure("no/such/dir.db")'), "Error: ENOENT: no such file or directory, open 'no/such/dir.db'");
  for (const p of ['../x.db', '/tmp/x.db', path.join(outside, 'abs.db'), 'out/linked.db', 'dangling.db']) {
    assert.match(await s.thrown(`require("database").configure(${JSON.stringify(p)})`), /^Error: INVALID_PATH: '.+' resolves outside the worktree$/, p);
  }
  assert.ok(!existsSync(path.join(outside, 'planted.db')));
  assert.ok(!existsSync(path.join(outside, 'linked.db')));
  assert.ok(!existsSync(path.join(outside, 'abs.db')));
});

test('a database file replaced by a link out of the worktree is not written through', async () => {
  const outside = outsideDir();
  const s = await moduleSession(d, { modules: ['database'] });
  await s.value('const db = require("database"); db.configure("swap.db"); db.exec("CREATE TABLE t (x)")');
  // Something else (a program run by exec, another process) swaps the file for a link meanwhile.
  writeFileSync(path.join(outside, 'target.db'), 'untouched');
  const file = path.join(s.worktree, 'swap.db');
  rmSync(file);
  symlinkSync(path.join(outside, 'target.db'), file);
  await s.value('db.exec("INSERT INTO t VALUES (1)"); "saved at the end"');
  assert.equal(readFileSync(path.join(outside, 'target.db'), 'utf8'), 'untouched');
});

test('a read-only fs capability: file databases load, refuse writes, and are never saved', async () => {
  const seed = await moduleSession(d, { modules: ['database'] });
  await seed.value('const db = require("database"); db.configure("ro.db"); db.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)"); db.close()');
  const before = readFileSync(path.join(seed.worktree, 'ro.db'));
  const ro = await moduleSession(d, { modules: ['database'], readOnly: true, worktree: seed.worktree });
  assert.deepEqual(await ro.value('const db = require("database"); db.configure("ro.db")'), { path: 'ro.db', readOnly: true });
  assert.deepEqual(await ro.value('db.query("SELECT x FROM t")'), [{ x: 1 }]);
  assert.equal(await ro.thrown('db.exec("INSERT INTO t VALUES (2)")'), 'SqliteError: attempt to write a readonly database');
  await ro.value('db.exec("PRAGMA query_only = OFF"); db.exec("INSERT INTO t VALUES (3)"); db.close()');
  assert.deepEqual(readFileSync(path.join(seed.worktree, 'ro.db')), before, 'never saved');
  assert.match(await ro.thrown('require("database").configure("missing.db")'), /^Error: ENOENT: .*'missing.db'$/);
  assert.ok(!existsSync(path.join(seed.worktree, 'missing.db')));
  // in-memory databases are unaffected
  assert.deepEqual(await ro.value('db.configure(); db.exec("CREATE TABLE m (x)")'), { changes: 0, lastInsertRowid: 0 });
});
