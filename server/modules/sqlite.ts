/**
 * The part of sql.js the `database` module uses, over the project's one
 * sql.js loader (server/store/sqljs.ts: wasm beside the bundle, else from the
 * package). The store's declarations cover what the store needs; the module
 * also needs named parameters, column names and statement iteration, declared
 * here against the same objects.
 */
import { loadSqlJs, type SqlValue } from '../store/sqljs';

/** Values session code may bind: positional (array) or named (`{':id': 1}`, `{$id: 1}`, `{'@id': 1}`). */
export type SqlParams = SqlValue[] | Record<string, SqlValue>;

export interface ModuleStatement {
  bind(values?: SqlParams): boolean;
  step(): boolean;
  get(): SqlValue[];
  getColumnNames(): string[];
  /** The statement's own text, as SQLite split it from a script. */
  getSQL(): string;
  free(): boolean;
}

/** `for (const stmt of db.iterateStatements(sql))`: each statement of a script, prepared one at a time. */
export interface StatementIterator extends Iterable<ModuleStatement> {
  getRemainingSQL(): string;
}

export interface ModuleDatabase {
  prepare(sql: string): ModuleStatement;
  iterateStatements(sql: string): StatementIterator;
  run(sql: string): void;
  exec(sql: string): Array<{ columns: string[]; values: SqlValue[][] }>;
  /** Serialises the database; closes and reopens the connection (per-connection state is lost, an open transaction rolled back). */
  export(): Uint8Array;
  close(): void;
}

export async function openDatabase(data?: Uint8Array): Promise<ModuleDatabase> {
  const SQL = await loadSqlJs();
  return new SQL.Database(data) as unknown as ModuleDatabase;
}

/**
 * sql.js throws Errors with SQLite's message, and plain strings for its own
 * conditions ("Nothing to prepare", "Database closed"): both become an Error
 * named SqliteError (the name better-sqlite3 uses) with SQLite's words.
 */
export function sqliteError(err: unknown): Error {
  const e = new Error(err instanceof Error ? err.message : String(err));
  e.name = 'SqliteError';
  return e;
}
