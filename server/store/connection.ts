/**
 * A thin wrapper over one sql.js database: prepared statements cached per SQL
 * text (preparing costs more than running for our small statements),
 * re-entrant transactions, batches of writes committed together, and an
 * export that survives sql.js closing the connection underneath us.
 */
import type { SqlDatabase, SqlStatement, SqlValue } from './sqljs';

/**
 * Per-connection settings; sql.js loses them on every export, so they are
 * re-applied after one. The database lives in emscripten's in-memory file
 * system: a rollback journal in memory keeps ROLLBACK working without file
 * traffic, and syncing a memory file is pointless (durability is the journal's job).
 */
const CONNECTION_PRAGMAS = 'PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;';

export type Params = ReadonlyArray<SqlValue | undefined>;

export class Connection {
  private readonly statements = new Map<string, SqlStatement>();
  private depth = 0;
  private batch = false;

  constructor(private readonly db: SqlDatabase) {
    db.exec(CONNECTION_PRAGMAS);
  }

  /** Runs one statement to completion; answers the number of rows it changed. */
  run(sql: string, params: Params = []): number {
    const st = this.prepare(sql, params);
    try {
      while (st.step()) { /* pragmas such as incremental_vacuum answer a row per step */ }
    } finally {
      st.reset();
    }
    return this.db.getRowsModified();
  }

  all(sql: string, params: Params = []): SqlValue[][] {
    const st = this.prepare(sql, params);
    const rows: SqlValue[][] = [];
    try {
      while (st.step()) rows.push(st.get());
    } finally {
      st.reset();
    }
    return rows;
  }

  get(sql: string, params: Params = []): SqlValue[] | undefined {
    const st = this.prepare(sql, params);
    try {
      return st.step() ? st.get() : undefined;
    } finally {
      st.reset();
    }
  }

  /**
   * Runs `fn` atomically. The outermost call is a transaction; nested calls
   * (each operation inside the one transaction of a journal replay) are
   * savepoints, so a failing operation leaves no half of itself behind.
   */
  tx<T>(fn: () => T): T {
    const outer = this.depth === 0;
    this.run(outer ? 'BEGIN' : 'SAVEPOINT op');
    this.depth++;
    try {
      const result = fn();
      this.run(outer ? 'COMMIT' : 'RELEASE op');
      return result;
    } catch (err) {
      if (outer) this.run('ROLLBACK');
      else { this.run('ROLLBACK TO op'); this.run('RELEASE op'); }
      throw err;
    } finally {
      this.depth--;
    }
  }

  /**
   * Opens a transaction that later writes join (their tx() become savepoints)
   * until commitBatch(). A commit copies every dirty page into sql.js's memory
   * file; one per batch instead of one per operation is most of the cost of a
   * small write. Reads on this connection see the batch's changes.
   */
  beginBatch(): void {
    if (this.batch || this.depth > 0) return;
    this.run('BEGIN');
    this.batch = true;
    this.depth = 1;
  }

  commitBatch(): void {
    if (!this.batch) return;
    this.batch = false;
    this.depth = 0;
    this.run('COMMIT');
  }

  /** Constant DDL only (migrations, pragmas): never string-built from data. */
  execConstant(sql: string): void {
    this.db.exec(sql);
  }

  /** The database image. sql.js closes and reopens the connection to produce it. */
  exportImage(): Uint8Array {
    this.commitBatch();
    if (this.depth > 0) throw new Error('store: export inside a transaction');
    const image = this.db.export();
    // export() freed every statement and dropped the connection pragmas.
    this.statements.clear();
    this.db.exec(CONNECTION_PRAGMAS);
    return image;
  }

  close(): void {
    this.commitBatch();
    for (const st of this.statements.values()) st.free();
    this.statements.clear();
    this.db.close();
  }

  private prepare(sql: string, params: Params): SqlStatement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    // sql.js refuses undefined; absent optional fields are stored as NULL.
    st.bind(params.map((p) => (p === undefined ? null : p)));
    return st;
  }
}
