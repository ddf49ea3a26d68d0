/**
 * `require('database')` inside a session: SQLite on sql.js, one connection
 * per session, in memory or backed by a file inside the worktree.
 *
 * sql.js keeps the whole database in memory; a file database is loaded at
 * `configure(path)` and written back (atomically, see database-file.ts) by
 * `close()`, at the end of every execution that used it, and when the session
 * ends. With a read-only `fs` capability a file database is opened with
 * `PRAGMA query_only` and never written back.
 *
 * The connection lives in the session's module state, so it survives from one
 * execution to the next like the session's globals do.
 */
import type { ModuleContext, NativeModule } from '../runtime/host/modules';
import { isReadOnly } from './capabilities';
import { readDatabaseFile, writeDatabaseFile, MAX_DATABASE_BYTES } from './database-file';
import { paramsArg, runExec, runQuery, sqlArg } from './database-statements';
import { codedError, nodeError } from './errors';
import { pathArg, resolveInWorktree } from './paths';
import { openDatabase, sqliteError, type ModuleDatabase } from './sqlite';

interface Connection {
  db: ModuleDatabase;
  /** The worktree path session code configured; undefined for an in-memory database. */
  file?: string;
  readOnly: boolean;
  /** Used since the last save (any call may write: `query` can run `INSERT … RETURNING`). */
  dirty: boolean;
}

const STATE_KEY = 'database';

function current(ctx: ModuleContext): Connection | undefined {
  return ctx.state.get(STATE_KEY) as Connection | undefined;
}

function connection(ctx: ModuleContext): Connection {
  const conn = current(ctx);
  if (!conn) {
    throw codedError('DATABASE_NOT_CONFIGURED', "database is not configured: call require('database').configure() for an in-memory database or configure('file.db') for a worktree file first");
  }
  return conn;
}

/**
 * Per-connection settings: the size guard (sql.js holds the database in the
 * host's wasm heap) and read-only mode. Re-applied after every save, because
 * sql.js serialises by closing and reopening the connection.
 */
function applyConnectionSettings(conn: Connection, foreignKeys: boolean): void {
  const pageSize = Number(conn.db.exec('PRAGMA page_size')[0].values[0][0]) || 4096;
  conn.db.run(`PRAGMA max_page_count = ${Math.floor(MAX_DATABASE_BYTES / pageSize)}`);
  if (foreignKeys) conn.db.run('PRAGMA foreign_keys = ON');
  if (conn.readOnly) conn.db.run('PRAGMA query_only = ON');
}

function inTransaction(db: ModuleDatabase): boolean {
  // sql.js has no sqlite3_get_autocommit; BEGIN fails exactly when a transaction is open.
  try {
    db.run('BEGIN');
  } catch {
    return true;
  }
  db.run('ROLLBACK');
  return false;
}

/** Writes a file database back if it changed. An open transaction is not saved: serialising would roll it back. */
async function save(ctx: ModuleContext, conn: Connection, closing: boolean): Promise<void> {
  if (!conn.file || conn.readOnly || !conn.dirty) return;
  if (!closing && inTransaction(conn.db)) return;
  const foreignKeys = Number(conn.db.exec('PRAGMA foreign_keys')[0].values[0][0]) === 1;
  const bytes = conn.db.export();
  if (!closing) applyConnectionSettings(conn, foreignKeys);
  // Resolved again: the worktree may have changed since configure() (e.g. a link planted by an exec'd program).
  await writeDatabaseFile(await resolveInWorktree(ctx, conn.file, 'open'), bytes);
  conn.dirty = false;
}

async function closeConnection(ctx: ModuleContext): Promise<void> {
  const conn = current(ctx);
  if (!conn) return;
  ctx.state.delete(STATE_KEY);
  try {
    await save(ctx, conn, true);
  } finally {
    conn.db.close();
  }
}

async function configure(ctx: ModuleContext, [file]: unknown[]): Promise<{ path: string | null; readOnly: boolean }> {
  const shown = file === undefined || file === null ? undefined : pathArg(file);
  const target = shown === undefined ? undefined : await resolveInWorktree(ctx, shown, 'open');
  // Reconfiguring closes (and saves) the previous database first.
  await closeConnection(ctx);
  const readOnly = target !== undefined && isReadOnly(ctx);
  const bytes = target && await readDatabaseFile(target);
  if (target && !bytes && readOnly) throw nodeError('ENOENT', 'no such file or directory (read-only: the database file cannot be created)', 'open', target.shown);
  const db = await openDatabase(bytes);
  const conn: Connection = { db, file: shown, readOnly, dirty: target !== undefined && !bytes };
  try {
    // Reading the schema fails now, not at the first query, when the file is not a database.
    db.exec('SELECT count(*) FROM sqlite_schema');
    applyConnectionSettings(conn, false);
  } catch (err) {
    db.close();
    throw sqliteError(err);
  }
  ctx.state.set(STATE_KEY, conn);
  return { path: shown ?? null, readOnly };
}

export const databaseModule: NativeModule = {
  name: 'database',
  functions: ['configure', 'query', 'exec', 'close'],
  async call(ctx, fn, args) {
    switch (fn) {
      case 'configure':
        return configure(ctx, args);
      case 'query': {
        const conn = connection(ctx);
        conn.dirty = true;
        return runQuery(conn.db, sqlArg(args[0]), paramsArg(args[1]));
      }
      case 'exec': {
        const conn = connection(ctx);
        conn.dirty = true;
        return runExec(conn.db, sqlArg(args[0]), paramsArg(args[1]));
      }
      case 'close':
        await closeConnection(ctx);
        return undefined;
      default:
        return undefined;
    }
  },
  async onExecutionEnd(ctx) {
    const conn = current(ctx);
    if (!conn) return;
    try {
      await save(ctx, conn, false);
    } catch (err) {
      // The runtime ignores failures here; the host log at least says what was not saved.
      process.stderr.write(`database: saving '${conn.file}' for session ${ctx.sessionId} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  },
  async dispose(ctx) {
    await closeConnection(ctx);
  },
};
