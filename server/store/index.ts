/**
 * server/store: the only code that knows SQL (and sql.js). Durable state for
 * the core through StorePort, and the one-owner-per-database lock.
 * Design and invariants: docs/store.md.
 */
export { openStore, DEFAULT_CHECKPOINT_BYTES, type OpenStoreOptions } from './open';
export { SqliteStore, type StoreStats } from './sqlite-store';
export { StoreError, type StoreErrorCode } from './errors';
export { acquireDatabaseLock, lockPathFor, type LockHolder, type LockResult } from './lock';
