/**
 * Opening a database: validate the file without writing to it, load the
 * image, migrate, replay the journal, and only then touch anything on disk.
 * A file we refuse is never written: every check below runs before the first
 * write (a torn journal tail cut off, a fresh image created).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from './connection';
import { PRIVATE_FILE, resolveDbPath, writeFileDurably } from './durable-files';
import { StoreError } from './errors';
import { Journal } from './journal';
import { FORMAT_VERSION, HEADER_SIZE, checkHeader as checkJournalHeader, crc32, imageIdentity, isPreallocated, scanRecords, type ScannedRecord } from './journal-format';
import { checkHeader, checkIntegrity, classify, corrupt, initBlank, migrate, readMeta } from './schema';
import { SqliteStore } from './sqlite-store';
import { loadSqlJs, type SqlDatabase } from './sqljs';
import { applyOp, type Op } from './writes';

export interface OpenStoreOptions {
  /** The database file; created (with its directory) when missing or empty. */
  path: string;
  /** Warnings and notices (torn journal tail, set-aside files, failed checkpoints). */
  log?: (line: string) => void;
  /** Journal length that triggers a background checkpoint. Bounds replay time at the next open. */
  checkpointBytes?: number;
}

/**
 * 4 MB: replaying that much at startup takes ~0.25 s at 100,000 executions,
 * keeping a cold open under 1 s; bigger means rarer image writes but slower starts.
 */
export const DEFAULT_CHECKPOINT_BYTES = 4 * 1024 * 1024;

export async function openStore(options: OpenStoreOptions): Promise<SqliteStore> {
  const log = options.log ?? (() => undefined);
  const dbPath = resolveDbPath(options.path);
  const journalPath = `${dbPath}.journal`;
  refuseDanglingLink(dbPath);
  const SQL = await loadSqlJs();

  const bytes = readIfPresent(dbPath);
  const journalBytes = readIfPresent(journalPath);
  let db: SqlDatabase;
  if (bytes && bytes.length > 0) {
    checkHeader(bytes, dbPath);
    try {
      db = new SQL.Database(bytes);
    } catch (err) {
      throw corrupt(dbPath, err);
    }
  } else {
    db = new SQL.Database();
  }

  let conn: Connection;
  try {
    conn = new Connection(db);
  } catch (err) {
    db.close();
    throw corrupt(dbPath, err);
  }
  try {
    if (bytes && bytes.length > 0 && !isLastCheckpoint(bytes, journalBytes)) checkIntegrity(conn, dbPath);
    const blank = !bytes || bytes.length === 0 || classify(conn, dbPath) === 'blank';
    const state = blank
      ? await createFresh(conn, dbPath, journalPath, log)
      : await openExisting(conn, bytes!, dbPath, journalPath, journalBytes, log);
    // Leftovers of an interrupted checkpoint or rotation; the real files are intact.
    for (const leftover of [`${dbPath}.tmp`, `${journalPath}.tmp`]) fs.rmSync(leftover, { force: true });
    // Files of an older version may have been made with the umask's mode.
    for (const file of [dbPath, journalPath]) fs.chmodSync(file, PRIVATE_FILE);
    return new SqliteStore({ ...state, path: dbPath, conn, checkpointBytes: options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES, log });
  } catch (err) {
    conn.close();
    throw err;
  }
}

interface Opened { journal: Journal; lsn: number; imageLsn: number; schemaDirty: boolean }

/** A new database: the image is written before any journal exists, so a journal never lacks its image. */
async function createFresh(conn: Connection, dbPath: string, journalPath: string, log: (line: string) => void): Promise<Opened> {
  const dbId = randomUUID();
  initBlank(conn, dbId);
  if (fs.existsSync(journalPath)) {
    // Its image is gone (deleted or replaced by an empty file); it cannot be replayed without one. Keep it for the user.
    const aside = `${journalPath}.orphan-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(journalPath, aside);
    log(`store: warning: ${journalPath} had no database image to apply to; moved it to ${aside}`);
  }
  fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  const image = conn.exportImage();
  await writeFileDurably(dbPath, [image]);
  return { journal: await Journal.create(journalPath, dbId, 0, imageIdentity(image)), lsn: 0, imageLsn: 0, schemaDirty: false };
}

/**
 * Is the image on disk exactly the one the journal header names (the last
 * checkpoint's)? Then it is an export of a healthy database, and SQLite's
 * integrity check (about 4 ms per MB) can be skipped for a CRC (0.25 ms per MB).
 */
function isLastCheckpoint(image: Buffer, journal: Buffer | undefined): boolean {
  if (!journal) return false;
  const header = checkJournalHeader(journal);
  return header.ok && header.image !== undefined && header.image.length === image.length && header.image.crc === crc32(image);
}

async function openExisting(conn: Connection, image: Buffer, dbPath: string, journalPath: string, buf: Buffer | undefined, log: (line: string) => void): Promise<Opened> {
  const migrated = migrate(conn);
  let dbId: string | undefined;
  let imageLsn = Number.NaN;
  try {
    dbId = readMeta(conn, 'db_id');
    imageLsn = Number(readMeta(conn, 'checkpoint_lsn'));
  } catch (err) {
    throw corrupt(dbPath, err);
  }
  if (!dbId || !Number.isSafeInteger(imageLsn)) throw corrupt(dbPath, 'its meta table lacks db_id or checkpoint_lsn');

  if (!buf || buf.length === 0) {
    const journal = await Journal.create(journalPath, dbId, imageLsn, imageIdentity(image));
    return { journal, lsn: imageLsn, imageLsn, schemaDirty: migrated > 0 };
  }
  const header = checkJournalHeader(buf, dbId);
  if (!header.ok) {
    throw new StoreError('CORRUPT_JOURNAL',
      `${journalPath} cannot be applied to ${dbPath}: ${header.reason}. Nothing was modified. ` +
      'Move the journal away to open the database as of its last checkpoint.', journalPath);
  }
  const scan = scanRecords(buf);
  const lsn = replay(conn, scan.records, imageLsn, dbPath, journalPath, log);
  const preallocated = isPreallocated(buf.subarray(scan.goodEnd));
  if (scan.tailBytes > 0 && !preallocated) {
    log(`store: warning: ${journalPath}: ${scan.stopReason ?? 'garbage'} at byte ${scan.goodEnd}; ` +
      `truncating ${scan.tailBytes} byte(s) after the last complete record (lsn ${lsn}). Unacknowledged writes only.`);
  }
  const journal = await Journal.open(journalPath, dbId, scan.goodEnd, lsn, preallocated);
  if (header.version < FORMAT_VERSION) {
    // Same records and image, new header: no operation of the new format may land in an old-format file.
    try {
      await journal.rotate(HEADER_SIZE, header.image);
    } catch (err) {
      await journal.close().catch(() => undefined);
      throw err;
    }
  }
  return { journal, lsn, imageLsn, schemaDirty: migrated > 0 };
}

/**
 * Applies, in one transaction, the records the image does not hold yet
 * (lsn > imageLsn). They must continue the image without a gap: a gap means
 * acknowledged operations are missing, which we refuse rather than hide.
 */
function replay(conn: Connection, records: ScannedRecord[], imageLsn: number, dbPath: string, journalPath: string, log: (line: string) => void): number {
  const first = records.find((r) => r.lsn > imageLsn);
  if (!first) return imageLsn;
  if (first.lsn !== imageLsn + 1) {
    throw new StoreError('CORRUPT_JOURNAL',
      `${journalPath} does not continue ${dbPath}: the image holds operations up to ${imageLsn} but the journal resumes at ${first.lsn}. ` +
      'Nothing was modified. Move the journal away to open the database as of its last checkpoint.', journalPath);
  }
  let lsn = imageLsn;
  // One transaction for all. No savepoint per operation: single statements
  // are atomic on their own and multi-statement operations take their own.
  conn.tx(() => {
    for (const r of records) {
      if (r.lsn <= imageLsn) continue;
      try {
        applyOp(conn, JSON.parse(r.payload.toString('utf8')) as Op);
      } catch (err) {
        // It succeeded live against the same state, so this is a bug; skipping one operation beats refusing the database.
        log(`store: warning: journal record lsn ${r.lsn} failed to replay and was skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
      lsn = r.lsn;
    }
  });
  return lsn;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** resolveDbPath follows every link it can: a link still there points at nothing (or loops). */
function refuseDanglingLink(dbPath: string): void {
  let isLink = false;
  try {
    isLink = fs.lstatSync(dbPath).isSymbolicLink();
  } catch { /* missing: it will be created */ }
  if (isLink) throw new StoreError('DANGLING_LINK', `${dbPath} is a symbolic link to a file that does not exist; refusing to replace the link. The link was not modified.`, dbPath);
}
