/**
 * Errors the store raises for conditions a caller can act on (a file it
 * refuses, a failed disk). Bugs (SQL errors from our own statements) stay
 * ordinary errors.
 */
export type StoreErrorCode =
  /** The database file is not SQLite, or SQLite finds it damaged. */
  | 'CORRUPT_DATABASE'
  /** A healthy SQLite file that some other program owns: we do not write into it. */
  | 'FOREIGN_DATABASE'
  /** Written by a newer vm-system (schema version above the ones we know). */
  | 'UNSUPPORTED_SCHEMA'
  /** The journal beside the database is damaged before its tail, or does not belong to it. */
  | 'CORRUPT_JOURNAL'
  /** The path is a symbolic link to nothing: writing would replace the link, not create its target. */
  | 'DANGLING_LINK'
  /** Writing or syncing failed; nothing written after this is durable. */
  | 'IO_ERROR'
  /** The store was closed. */
  | 'CLOSED';

export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string, readonly path?: string) {
    super(message);
    this.name = 'StoreError';
  }
}
