/**
 * `require('database')` inside a session: SQLite on sql.js, one connection
 * per session, in memory or backed by a file inside the worktree. Each
 * connection is a sql.js instance of its own in a worker thread of its own
 * (database-client.ts): no session can reach another's database, and a query
 * is stopped at the execution's limits without holding up the host.
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
import type { ModuleContext, NativeModule } from './native-module';
import { isReadOnly } from './capabilities';
import { MODULE_FUNCTIONS } from './catalog';
import { DatabaseClient, closedError } from './database-client';
import { readDatabaseFile, writeDatabaseFile } from './database-file';
import { paramsArg, sqlArg } from './database-statements';
import { codedError, nodeError } from './errors';
import { pathArg, resolveInWorktree } from './paths';

interface Connection {
  /** The session's own SQLite, in a worker thread of its own (database-client.ts). */
  worker: DatabaseClient;
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
  if (conn.worker.ended) {
    ctx.state.delete(STATE_KEY);
    throw closedError(conn.worker.ended);
  }
  return conn;
}

/** Writes a file database back if it changed. An open transaction is not saved: serialising would roll it back. */
async function save(ctx: ModuleContext, conn: Connection, closing: boolean): Promise<void> {
  if (!conn.file || conn.readOnly || !conn.dirty || conn.worker.ended) return;
  const bytes = await conn.worker.call<Uint8Array | null>('exportForSave', [closing]);
  if (!bytes) return;
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
    conn.worker.terminate('the database was closed');
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
  const worker = new DatabaseClient();
  try {
    await worker.call('openDatabase', [bytes, readOnly], ctx.signal);
  } catch (err) {
    worker.terminate('configure() failed');
    throw err;
  }
  ctx.state.set(STATE_KEY, { worker, file: shown, readOnly, dirty: target !== undefined && !bytes } satisfies Connection);
  return { path: shown ?? null, readOnly };
}

export const databaseModule: NativeModule = {
  name: 'database',
  functions: MODULE_FUNCTIONS.database,
  async call(ctx, fn, args) {
    switch (fn) {
      case 'configure':
        return configure(ctx, args);
      case 'query':
      case 'exec': {
        const conn = connection(ctx);
        const sql = sqlArg(args[0]);
        const params = paramsArg(args[1]);
        conn.dirty = true;
        return conn.worker.call(fn, [sql, params], ctx.signal);
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
