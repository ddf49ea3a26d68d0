/**
 * The one place that loads sql.js. The package ships no typings, so the small
 * surface we use is declared here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type SqlValue = number | string | Uint8Array | null;

export interface SqlStatement {
  bind(values?: SqlValue[]): boolean;
  step(): boolean;
  get(): SqlValue[];
  reset(): boolean;
  free(): boolean;
}

export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  /** Runs every statement of `sql` (used only for constant DDL and pragmas). */
  exec(sql: string): Array<{ columns: string[]; values: SqlValue[][] }>;
  /** Serialises the database. Closes and reopens the connection: prepared statements and per-connection pragmas are lost. */
  export(): Uint8Array;
  close(): void;
  /** sqlite3_changes() of the last statement. */
  getRowsModified(): number;
}

export interface SqlJs {
  Database: new (data?: Uint8Array) => SqlDatabase;
}

type InitSqlJs = (config: { wasmBinary: Uint8Array }) => Promise<SqlJs>;

let loading: Promise<SqlJs> | undefined;

/**
 * The bundler copies the wasm next to the daemon bundle (dist/cli.js), so look
 * beside this file first; from sources (tsx, tests) fall back to the package.
 */
export function locateWasm(): string {
  const bundled = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(bundled)) return bundled;
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}

/** sql.js keeps one module per process anyway; we cache the promise so a failure surfaces to every caller. */
export function loadSqlJs(): Promise<SqlJs> {
  if (!loading) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const init = require('sql.js') as InitSqlJs;
    loading = init({ wasmBinary: fs.readFileSync(locateWasm()) });
  }
  return loading;
}
