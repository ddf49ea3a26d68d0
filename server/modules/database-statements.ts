/**
 * Running session SQL on a sql.js database: parameter checking, one-statement
 * enforcement, rows as plain objects, and bounds on what is copied back.
 * Semantics follow better-sqlite3 (the library Node users know): `query` and
 * parameterised `exec` take exactly one statement; `exec` without parameters
 * runs a whole script.
 */
import type { SqlValue } from '../store/sqljs';
import { checkStatement } from './database-guard';
import { argTypeError, codedError } from './errors';
import { sqliteError, type ModuleDatabase, type ModuleStatement, type SqlParams } from './sqlite';

/** Bytes of row data one query may copy into the isolate (strings counted by length). */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;

export type Row = Record<string, SqlValue>;

export function sqlArg(sql: unknown): string {
  if (typeof sql !== 'string') throw argTypeError(`The "sql" argument must be of type string. Received ${sql === null ? 'null' : typeof sql}`);
  return sql;
}

function bindable(value: unknown, where: string): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') {
    // sql.js would bind a BigInt as text; a number keeps it an INTEGER when that is exact.
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw codedError('ERR_OUT_OF_RANGE', `SQL parameter ${where}: ${value} is outside the safe integer range`, 'RangeError');
    }
    return Number(value);
  }
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  throw argTypeError(`SQL parameter ${where}: cannot bind a value of type ${typeof value} (use number, string, boolean, bigint, null or Uint8Array)`);
}

/** Positional (array) or named (object with `:name`, `$name` or `@name` keys) parameters. */
export function paramsArg(params: unknown): SqlParams | undefined {
  if (params === undefined || params === null) return undefined;
  if (Array.isArray(params)) return params.map((v, i) => bindable(v, `#${i + 1}`));
  if (typeof params === 'object' && !ArrayBuffer.isView(params)) {
    const out: Record<string, SqlValue> = {};
    for (const [k, v] of Object.entries(params)) {
      // sql.js looks names up with their prefix; accept `{id: 1}` for `:id` as a convenience.
      Object.defineProperty(out, /^[:$@]/.test(k) ? k : `:${k}`, { value: bindable(v, k), enumerable: true });
    }
    return out;
  }
  throw argTypeError('The "params" argument must be an array (positional) or an object (named parameters)');
}

/** sql.js iterators free the previous statement on each step and themselves when exhausted. */
interface Iter { next(): IteratorResult<ModuleStatement>; getRemainingSQL(): string }

function drain(it: Iter): void {
  try {
    while (!it.next().done) { /* frees each statement */ }
  } catch {
    // an iterator that failed has freed itself
  }
}

/** Prepares the only statement of `sql`; throws when there is none or more than one. */
function withSingleStatement<T>(db: ModuleDatabase, sql: string, use: (stmt: ModuleStatement) => T): T {
  const it = db.iterateStatements(sql) as unknown as Iter;
  try {
    const first = it.next();
    if (first.done) throw new Error('The supplied SQL string contains no statements');
    let more = true;
    try {
      db.prepare(it.getRemainingSQL()).free();
    } catch (err) {
      more = err !== 'Nothing to prepare';
    }
    if (more) throw new Error('The supplied SQL string contains more than one statement (query() and exec() with params take one; use exec(sql) for scripts)');
    checkStatement(first.value.getSQL());
    return use(first.value);
  } catch (err) {
    throw sqliteError(err);
  } finally {
    drain(it);
  }
}

export function runQuery(db: ModuleDatabase, sql: string, params: SqlParams | undefined): Row[] {
  return withSingleStatement(db, sql, (stmt) => {
    if (params) stmt.bind(params);
    const rows: Row[] = [];
    let bytes = 0;
    let columns: string[] | undefined;
    while (stmt.step()) {
      columns ??= stmt.getColumnNames();
      const values = stmt.get();
      for (const v of values) bytes += typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.byteLength : 8;
      if (bytes > MAX_RESULT_BYTES) throw new Error(`query result larger than ${MAX_RESULT_BYTES / 1048576} MB; select fewer rows (LIMIT) or columns`);
      // fromEntries defines own properties, so a column named __proto__ stays a column; a repeated name keeps the last value.
      rows.push(Object.fromEntries(columns.map((c, i) => [c, values[i]])));
    }
    return rows;
  });
}

export interface ExecResult { changes: number; lastInsertRowid: number }

export function runExec(db: ModuleDatabase, sql: string, params: SqlParams | undefined): ExecResult {
  // total_changes() counts every row a whole script touched; changes() only the last statement's.
  const before = counters(db).total;
  if (params) {
    withSingleStatement(db, sql, (stmt) => {
      stmt.bind(params);
      while (stmt.step()) { /* RETURNING rows are not wanted here */ }
    });
  } else {
    // One statement at a time, each checked before it runs (db.run would run the script unseen).
    const it = db.iterateStatements(sql) as unknown as Iter;
    try {
      for (let next = it.next(); !next.done; next = it.next()) {
        checkStatement(next.value.getSQL());
        while (next.value.step()) { /* rows of a script are not wanted */ }
      }
    } catch (err) {
      throw sqliteError(err);
    } finally {
      drain(it);
    }
  }
  const after = counters(db);
  return { changes: after.total - before, lastInsertRowid: after.lastInsertRowid };
}

function counters(db: ModuleDatabase): { total: number; lastInsertRowid: number } {
  const [row] = db.exec('SELECT total_changes(), last_insert_rowid()')[0].values;
  return { total: Number(row[0]), lastInsertRowid: Number(row[1]) };
}
