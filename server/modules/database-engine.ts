/**
 * One session's SQLite, as it runs inside that session's database worker
 * (database-worker.ts): its own sql.js instance, so its own SQLite heap and
 * its own in-memory file system, shared with no other session. What the
 * worker's caller asks for arrives as plain data; file reading and writing
 * stay with the caller (database.ts), which checks worktree paths.
 */
import { MAX_DATABASE_BYTES } from './database-file';
import { runExec, runQuery, type ExecResult, type Row } from './database-statements';
import { openDatabase, sqliteError, type ModuleDatabase, type SqlParams } from './sqlite';

/**
 * All the memory SQLite may use in one worker (page cache, temporary tables,
 * sorting, a runaway recursive query): past it, statements fail with
 * "out of memory" and the worker lives on.
 */
export const SQLITE_HEAP_BYTES = 128 * 1024 * 1024;

export class DatabaseEngine {
  private db: ModuleDatabase | undefined;
  private readOnly = false;

  private get open(): ModuleDatabase {
    if (!this.db) throw new Error('database: not open');
    return this.db;
  }

  async openDatabase(bytes: Uint8Array | undefined, readOnly: boolean): Promise<void> {
    const db = await openDatabase(bytes);
    this.readOnly = readOnly;
    try {
      // Reading the schema fails now, not at the first query, when the file is not a database.
      db.exec('SELECT count(*) FROM sqlite_schema');
      this.db = db;
      this.applySettings(false);
    } catch (err) {
      this.db = undefined;
      db.close();
      throw sqliteError(err);
    }
  }

  query(sql: string, params: SqlParams | undefined): Row[] {
    return runQuery(this.open, sql, params);
  }

  exec(sql: string, params: SqlParams | undefined): ExecResult {
    return runExec(this.open, sql, params);
  }

  /** The database's bytes to save, or null while a transaction is open (serialising would roll it back). */
  exportForSave(closing: boolean): Uint8Array | null {
    const db = this.open;
    if (!closing && this.inTransaction()) return null;
    const foreignKeys = Number(db.exec('PRAGMA foreign_keys')[0].values[0][0]) === 1;
    const bytes = db.export();
    if (!closing) this.applySettings(foreignKeys);
    return bytes;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  /**
   * The size cap, temporary tables in SQLite's (capped) heap rather than in
   * files, read-only mode. Re-applied after every save: sql.js serialises by
   * closing and reopening the connection. The heap cap is process-wide (this
   * worker's) and can only be lowered.
   */
  private applySettings(foreignKeys: boolean): void {
    const db = this.open;
    db.run(`PRAGMA hard_heap_limit = ${SQLITE_HEAP_BYTES}`);
    const pageSize = Number(db.exec('PRAGMA page_size')[0].values[0][0]) || 4096;
    db.run(`PRAGMA max_page_count = ${Math.floor(MAX_DATABASE_BYTES / pageSize)}`);
    db.run('PRAGMA temp_store = MEMORY');
    if (foreignKeys) db.run('PRAGMA foreign_keys = ON');
    if (this.readOnly) db.run('PRAGMA query_only = ON');
  }

  private inTransaction(): boolean {
    // sql.js has no sqlite3_get_autocommit; BEGIN fails exactly when a transaction is open.
    try {
      this.open.run('BEGIN');
    } catch {
      return true;
    }
    this.open.run('ROLLBACK');
    return false;
  }
}
