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
import { DEFAULT_SEGMENT_BYTES, Segments, segmentsDirFor } from './segments';
import { applyOp, seal, type Op } from './writes';

export interface OpenStoreOptions {
  /** The database file; created (with its directory) when missing or empty. */
  path: string;
  /** Warnings and notices (torn journal tail, set-aside files, failed checkpoints). */
  log?: (line: string) => void;
  /** Journal length that triggers a background checkpoint. Bounds replay time at the next open. */
  checkpointBytes?: number;
  /** Size at which a new event segment begins (default 64 MB; tests use small ones to exercise rotation and deletion). */
  segmentBytes?: number;
}

/**
 * 4 MB: replaying that much at startup takes ~0.25 s at 100,000 executions,
 * keeping a cold open under 1 s; bigger means rarer image writes but slower starts.
 */
export const DEFAULT_CHECKPOINT_BYTES = 4 * 1024 * 1024;

export async function openStore(options: OpenStoreOptions): Promise<SqliteStore> {
  const log = options.log ?? (() => undefined);
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
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
      ? await createFresh(conn, dbPath, journalPath, log, segmentBytes)
      : await openExisting(conn, bytes!, dbPath, journalPath, journalBytes, log, segmentBytes);
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

interface Opened { journal: Journal; segments: Segments; lsn: number; imageLsn: number; schemaDirty: boolean }

/** A new database: the image is written before any journal exists, so a journal never lacks its image. */
async function createFresh(conn: Connection, dbPath: string, journalPath: string, log: (line: string) => void, segmentBytes: number): Promise<Opened> {
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
  // Segments of a database that no longer exists would be taken for ours.
  const segments = Segments.open(dbPath, { id: 1, end: 0 }, new Set(), log, segmentBytes);
  return { journal: await Journal.create(journalPath, dbId, 0, imageIdentity(image)), segments, lsn: 0, imageLsn: 0, schemaDirty: false };
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

async function openExisting(conn: Connection, image: Buffer, dbPath: string, journalPath: string, buf: Buffer | undefined, log: (line: string) => void, segmentBytes: number): Promise<Opened> {
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
  const header = buf && buf.length > 0 ? checkJournalHeader(buf, dbId) : undefined;
  if (header && !header.ok) {
    throw new StoreError('CORRUPT_JOURNAL',
      `${journalPath} cannot be applied to ${dbPath}: ${header.reason}. Nothing was modified. ` +
      'Move the journal away to open the database as of its last checkpoint.', journalPath);
  }
  const scan = buf && header ? scanRecords(buf) : undefined;
  if (scan) checkContinuity(scan.records, imageLsn, dbPath, journalPath);

  // The first writes of an open: segment tails the image does not know are cut (the journal writes them again).
  const segments = openSegments(conn, dbPath, log, segmentBytes);
  const converted = convertInlineEvents(conn, segments);
  if (converted > 0) log(`store: moved the events of ${converted} finished execution(s) out of ${dbPath} into ${segmentsDirFor(dbPath)} (once)`);
  const schemaDirty = migrated > 0 || converted > 0;

  if (!buf || buf.length === 0 || !scan || !header?.ok) {
    const journal = await Journal.create(journalPath, dbId, imageLsn, imageIdentity(image));
    return { journal, segments, lsn: imageLsn, imageLsn, schemaDirty };
  }
  const lsn = replay(conn, segments, scan.records, imageLsn, log);
  segments.writePending();
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
  return { journal, segments, lsn, imageLsn, schemaDirty };
}

/** Where the image saw the active segment end, and which segments it references. An image from before segments has none. */
function openSegments(conn: Connection, dbPath: string, log: (line: string) => void, segmentBytes: number): Segments {
  const id = Number(readMeta(conn, 'segment_id') ?? 1);
  const end = Number(readMeta(conn, 'segment_end') ?? 0);
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(end)) throw corrupt(dbPath, 'its meta table has a damaged segment position');
  const known = new Set(conn.all('SELECT id FROM segments').map((r) => r[0] as number));
  return Segments.open(dbPath, { id, end }, known, log, segmentBytes);
}

/**
 * A database written before segments keeps every event in sql.js: move the
 * events of each finished execution into a segment, once. Not journaled:
 * like a migration, it is redone from the old image if the process dies
 * before the next checkpoint writes the converted one.
 */
function convertInlineEvents(conn: Connection, segments: Segments): number {
  const ended = conn.all("SELECT ord, id FROM executions WHERE status <> 'running' AND ord IN (SELECT DISTINCT exec_ord FROM events)");
  if (ended.length === 0) return 0;
  conn.tx(() => {
    for (const [ord, id] of ended) seal(conn, segments, ord as number, id as string);
  });
  segments.writePending();
  conn.run('PRAGMA incremental_vacuum');
  return ended.length;
}

/**
 * Applies, in one transaction, the records the image does not hold yet
 * (lsn > imageLsn). They must continue the image without a gap: a gap means
 * acknowledged operations are missing, which we refuse rather than hide.
 */
function checkContinuity(records: ScannedRecord[], imageLsn: number, dbPath: string, journalPath: string): void {
  const first = records.find((r) => r.lsn > imageLsn);
  if (first && first.lsn !== imageLsn + 1) {
    throw new StoreError('CORRUPT_JOURNAL',
      `${journalPath} does not continue ${dbPath}: the image holds operations up to ${imageLsn} but the journal resumes at ${first.lsn}. ` +
      'Nothing was modified. Move the journal away to open the database as of its last checkpoint.', journalPath);
  }
}

function replay(conn: Connection, segments: Segments, records: ScannedRecord[], imageLsn: number, log: (line: string) => void): number {
  let lsn = imageLsn;
  // One transaction for all. No savepoint per operation: single statements
  // are atomic on their own and multi-statement operations take their own.
  conn.tx(() => {
    for (const r of records) {
      if (r.lsn <= imageLsn) continue;
      try {
        applyOp(conn, JSON.parse(r.payload.toString('utf8')) as Op, segments);
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
