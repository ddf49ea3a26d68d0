/**
 * The schema, its migrations, and the checks that decide whether a file is a
 * vm-system database we may write to.
 *
 * Ordering columns: every table has `ord INTEGER PRIMARY KEY` (the rowid).
 * It grows with each insert and is kept by upserts, so "newest first" and the
 * `beforeId` cursor never depend on timestamps, which can tie or go backwards.
 *
 * Events are keyed by (their execution's ord, seq) rather than by the
 * execution's UUID: new executions have the highest ord, so their events land
 * at the right edge of the B-tree, on pages already in cache, instead of on a
 * random leaf of a tree that outgrows the cache (4-5x slower per insert at
 * 100,000 executions, which is what bounds journal replay at startup). The
 * UUID is 36 bytes per event smaller, too. Events are deleted with their
 * execution in one transaction, so a reused ord never meets stale events.
 */
import { StoreError } from './errors';
import type { Connection } from './connection';

/** `PRAGMA application_id` of vm-system databases ("vmsy"): tells our files from other SQLite files. */
export const APPLICATION_ID = 0x766d7379;

export interface Migration { version: number; name: string; sql: string }

/** Append only. Each runs once, in order, in one transaction with the `user_version` bump. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE templates (
        ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, engine TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        settings_json TEXT NOT NULL, modules_json TEXT NOT NULL, libraries_json TEXT NOT NULL);
      CREATE INDEX templates_by_name ON templates (name);
      CREATE TABLE capabilities (
        ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, template_id TEXT NOT NULL, kind TEXT NOT NULL,
        name TEXT NOT NULL, enabled INTEGER NOT NULL, config_json TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE INDEX capabilities_by_template ON capabilities (template_id);
      CREATE TABLE startup_files (
        ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, template_id TEXT NOT NULL, path TEXT NOT NULL,
        order_index INTEGER NOT NULL, mode TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE INDEX startup_files_by_template ON startup_files (template_id, order_index);
      CREATE TABLE sessions (
        ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, template_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
        base_commit_oid TEXT NOT NULL, worktree_path TEXT NOT NULL, status TEXT NOT NULL,
        created_at TEXT NOT NULL, closed_at TEXT, last_error TEXT);
      CREATE INDEX sessions_by_status ON sessions (status);
      CREATE TABLE executions (
        ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, session_id TEXT NOT NULL, kind TEXT NOT NULL,
        input TEXT, path TEXT, args_json TEXT NOT NULL, env_json TEXT NOT NULL, status TEXT NOT NULL,
        started_at TEXT NOT NULL, ended_at TEXT, result_json TEXT, error_json TEXT, metrics_json TEXT NOT NULL);
      CREATE INDEX executions_by_session ON executions (session_id, ord);
      CREATE INDEX executions_running ON executions (status) WHERE status = 'running';
      CREATE TABLE events (
        exec_ord INTEGER NOT NULL, seq INTEGER NOT NULL, ts TEXT NOT NULL, type TEXT NOT NULL,
        payload_json TEXT NOT NULL, PRIMARY KEY (exec_ord, seq)) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'executions remember what they replayed',
    sql: 'ALTER TABLE executions ADD COLUMN replay_of TEXT;',
  },
  {
    version: 3,
    name: 'installed libraries and their resolved trees',
    sql: `
      CREATE TABLE libraries (
        ord INTEGER PRIMARY KEY, spec TEXT NOT NULL UNIQUE, name TEXT NOT NULL, version TEXT NOT NULL,
        integrity TEXT NOT NULL, path TEXT NOT NULL, size_kb REAL NOT NULL, tree_json TEXT NOT NULL, installed_at TEXT NOT NULL);
    `,
  },
  {
    // `events` keeps only the events of running executions; a finished
    // execution's events move to a segment file (segments.ts), referenced here.
    version: 4,
    name: 'events of finished executions live in segment files',
    sql: `
      CREATE TABLE event_chunks (
        exec_ord INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, count INTEGER NOT NULL,
        segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
        PRIMARY KEY (exec_ord, first_seq)) WITHOUT ROWID;
      CREATE TABLE segments (id INTEGER PRIMARY KEY, chunks INTEGER NOT NULL, bytes INTEGER NOT NULL);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** SQLite's 16-byte magic at the start of every database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Cheap structural checks on the raw bytes, before sql.js sees them: the magic,
 * a legal page size, and a length that is a whole number of pages (a truncated
 * copy fails here instead of deep inside a later query).
 */
export function checkHeader(bytes: Uint8Array, file: string): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 100 || !buf.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new StoreError('CORRUPT_DATABASE', `${file} is not a SQLite database (no SQLite header); refusing to open it. The file was not modified.`, file);
  }
  const raw = buf.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0 || buf.length % pageSize !== 0) {
    throw new StoreError('CORRUPT_DATABASE', `${file} is a damaged SQLite database (page size ${raw}, length ${buf.length}); refusing to open it. The file was not modified.`, file);
  }
}

/** `PRAGMA quick_check` over the whole image: O(size), about 1 ms per MB, paid once at open. */
export function checkIntegrity(conn: Connection, file: string): void {
  let verdict: string;
  try {
    verdict = conn.all('PRAGMA quick_check(5)').map((r) => String(r[0])).join('; ');
  } catch (err) {
    throw corrupt(file, err);
  }
  if (verdict !== 'ok') throw corrupt(file, verdict);
}

export function corrupt(file: string, cause: unknown): StoreError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new StoreError('CORRUPT_DATABASE', `${file} is a damaged SQLite database (${why}); refusing to open it. The file was not modified.`, file);
}

export type Ownership = 'ours' | 'blank';

/** Is this SQLite image ours (schema version within what we know) or blank (no tables at all)? Anything else is refused. */
export function classify(conn: Connection, file: string): Ownership {
  const appId = Number(conn.get('PRAGMA application_id')?.[0] ?? 0);
  const version = Number(conn.get('PRAGMA user_version')?.[0] ?? 0);
  const tables = Number(conn.get("SELECT count(*) FROM sqlite_master WHERE type = 'table'")?.[0] ?? 0);
  if (appId === APPLICATION_ID) {
    if (version > SCHEMA_VERSION) {
      throw new StoreError('UNSUPPORTED_SCHEMA', `${file} has schema version ${version}, newer than this vm-system knows (${SCHEMA_VERSION}); upgrade vm-system. The file was not modified.`, file);
    }
    return 'ours';
  }
  if (tables === 0) return 'blank';
  throw new StoreError('FOREIGN_DATABASE', `${file} is a SQLite database of another program (it has tables but is not a vm-system database); refusing to write to it. The file was not modified.`, file);
}

/**
 * Prepares a blank image: incremental auto-vacuum lets compact() hand freed
 * pages back (it has to be chosen before the first table exists).
 */
export function initBlank(conn: Connection, dbId: string): void {
  conn.execConstant('PRAGMA auto_vacuum = INCREMENTAL;');
  migrate(conn);
  conn.tx(() => {
    conn.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['db_id', dbId]);
    conn.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['checkpoint_lsn', '0']);
  });
}

/** Applies the migrations the image lacks; answers how many ran. */
export function migrate(conn: Connection, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = Number(conn.get('PRAGMA user_version')?.[0] ?? 0);
  let ran = 0;
  for (const m of migrations) {
    if (m.version <= current) continue;
    conn.tx(() => {
      conn.execConstant(m.sql);
      // Pragmas take no parameters; both values are our own integer constants.
      conn.execConstant(`PRAGMA user_version = ${m.version}; PRAGMA application_id = ${APPLICATION_ID};`);
    });
    ran++;
  }
  return ran;
}

export function readMeta(conn: Connection, key: string): string | undefined {
  const row = conn.get('SELECT value FROM meta WHERE key = ?', [key]);
  return row ? String(row[0]) : undefined;
}

export function writeMeta(conn: Connection, key: string, value: string): void {
  conn.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}
