/**
 * The append-only journal `<db>.journal`: durable log of every operation
 * since the last checkpoint.
 *
 * Appends go to an in-memory buffer (synchronous, no I/O). flush() writes the
 * buffer at the end of the file and fdatasyncs it; flushes that arrive while a
 * write+sync is in flight wait and are served together by the next one
 * (group commit), so N concurrent requests cost one sync, not N. The cost of
 * a flush depends on the bytes appended since the last one, never on the
 * size of the database.
 *
 * Under sustained writing, space ahead of the records is kept filled and
 * synced (preallocated, a chunk at a time, when the writer is idle):
 * overwriting blocks the file already has lets fdatasync skip the file-size
 * update and its metadata commit, about a third of each acknowledgement's sync
 * here. The fill (FILL_BYTE) is no record, so replay ends where the records
 * end, and it is told apart from a torn tail (journal-format.ts).
 */
import { fdatasyncSync, writeSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { StoreError } from './errors';
import { FILL_BYTE, HEADER_SIZE, encodeHeader, encodeRecord, type ImageIdentity } from './journal-format';
import { readAll, writeFileDurably } from './durable-files';

/** Preallocation starts once this much was written through this journal: a quiet daemon keeps a tight file. */
const PREALLOCATE_AFTER_BYTES = 64 * 1024;
/** Past this much unflushed data, write it in the background even if nobody asked (bounds memory and the next flush). */
const WRITE_BEHIND_BYTES = 1024 * 1024;

interface Waiter { lsn: number; resolve: () => void; reject: (err: Error) => void }

export interface JournalStats { syncs: number; records: number; bytes: number; rotations: number; preallocations: number }

export class Journal {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private inflightBytes = 0;
  private appendedLsn: number;
  private durableLsn: number;
  private writing = false;
  private rotating = false;
  private failure: StoreError | undefined;
  private waiters: Waiter[] = [];
  /** Bytes of the file known to be written (records or preallocated fill) and synced. */
  private allocated: number;
  private preallocBytes = 0;
  private preallocScheduled = false;
  private idleWaiters: Array<() => void> = [];
  readonly stats: JournalStats = { syncs: 0, records: 0, bytes: 0, rotations: 0, preallocations: 0 };

  private constructor(private readonly file: string, private readonly dbId: string, private fh: fsp.FileHandle, private fileSize: number, lsn: number, allocated = fileSize) {
    this.appendedLsn = lsn;
    this.durableLsn = lsn;
    this.allocated = allocated;
  }

  /** A new, empty journal (header only), created atomically so a journal on disk always has a whole header. */
  static async create(file: string, dbId: string, lsn: number, image: ImageIdentity | undefined): Promise<Journal> {
    await writeFileDurably(file, [encodeHeader(dbId, image)]);
    return new Journal(file, dbId, await fsp.open(file, 'r+'), HEADER_SIZE, lsn);
  }

  /**
   * An existing journal whose first `goodEnd` bytes were validated and
   * replayed. A torn tail beyond is cut off durably; preallocated space is
   * kept for the records to come.
   */
  static async open(file: string, dbId: string, goodEnd: number, lsn: number, preallocated = false): Promise<Journal> {
    const fh = await fsp.open(file, 'r+');
    let size: number;
    try {
      size = (await fh.stat()).size;
      if (size > goodEnd && !preallocated) {
        await fh.truncate(goodEnd);
        await fh.sync();
        size = goodEnd;
      }
    } catch (err) {
      await fh.close();
      throw err;
    }
    return new Journal(file, dbId, fh, goodEnd, lsn, size);
  }

  /** Keeps about `bytes` of preallocated space ahead of the records once writes are sustained (0: never). */
  preallocate(bytes: number): void {
    this.preallocBytes = bytes;
  }

  /** Offset just past every record appended so far (written or not). */
  get endOffset(): number {
    return this.fileSize + this.inflightBytes + this.pendingBytes;
  }

  get failed(): StoreError | undefined {
    return this.failure;
  }

  append(lsn: number, payload: string): void {
    // After a failed write nothing can become durable any more; flush() reports that.
    if (this.failure) return;
    const rec = encodeRecord(lsn, payload);
    this.pending.push(rec);
    this.pendingBytes += rec.length;
    this.appendedLsn = lsn;
    if (this.pendingBytes >= WRITE_BEHIND_BYTES) this.kick();
  }

  /** Resolves when every record appended before this call is on disk. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const lsn = this.appendedLsn;
    if (lsn <= this.durableLsn) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ lsn, resolve, reject });
      this.kick();
    });
  }

  /**
   * After a checkpoint made `image` durable up to byte `cutOffset` of this
   * journal: replace the journal by a new one holding only what follows
   * (header + tail, temp + fsync + rename + directory fsync). Writes pause
   * meanwhile and resume on the new file. A crash at any point leaves either
   * the old journal (its head is skipped by LSN on replay) or the new one.
   */
  async rotate(cutOffset: number, image: ImageIdentity | undefined): Promise<void> {
    if (this.failure) throw this.failure;
    this.rotating = true;
    let renamed = false;
    try {
      await this.idle();
      if (this.failure) throw this.failure;
      const tailLength = Math.max(0, this.fileSize - cutOffset);
      const tail = Buffer.alloc(tailLength);
      if (tailLength > 0) await readAll(this.fh, tail, cutOffset);
      await writeFileDurably(this.file, [encodeHeader(this.dbId, image), tail], async () => {
        renamed = true;
        const next = await fsp.open(this.file, 'r+');
        const old = this.fh;
        this.fh = next;
        this.fileSize = HEADER_SIZE + tailLength;
        await old.close().catch(() => undefined);
        this.allocated = this.fileSize;
      });
      this.stats.rotations++;
    } catch (err) {
      // Once the new file is in place, records must go to it and its directory
      // entry must be durable; if either failed, acknowledging more would be a lie.
      if (renamed) this.fail(err);
      throw err;
    } finally {
      this.rotating = false;
      this.kick();
    }
  }

  async close(): Promise<void> {
    await this.idle();
    await this.fh.close();
  }

  /**
   * Starts the writer on the next turn of the event loop rather than now: the
   * callers that the previous sync just released run first (promise
   * continuations), append their next records, and share this write.
   */
  private kick(): void {
    if (this.writing || this.rotating || this.failure || this.pending.length === 0) return;
    this.writing = true;
    setImmediate(() => void this.writeLoop());
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.pending.length > 0 && !this.rotating) {
        const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
        const records = this.pending.length;
        const lastLsn = this.appendedLsn;
        this.pending = [];
        this.pendingBytes = 0;
        this.inflightBytes = batch.length;
        // Synchronous on purpose: a group's write + fdatasync costs ~0.2 ms here, less
        // than the two thread-pool hops the async calls would add to every acknowledgement.
        writeAllSync(this.fh.fd, batch, this.fileSize);
        fdatasyncSync(this.fh.fd);
        this.fileSize += batch.length;
        this.inflightBytes = 0;
        this.durableLsn = lastLsn;
        this.stats.syncs++;
        this.stats.records += records;
        this.stats.bytes += batch.length;
        while (this.waiters.length > 0 && this.waiters[0].lsn <= lastLsn) this.waiters.shift()!.resolve();
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.writing = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      this.allocated = Math.max(this.allocated, this.fileSize);
      this.schedulePreallocation();
    }
  }

  /** After the answers waiting on this sync went out (setImmediate), never in their way. */
  private schedulePreallocation(): void {
    if (this.preallocScheduled || this.preallocBytes === 0 || this.stats.bytes < PREALLOCATE_AFTER_BYTES) return;
    if (this.allocated - this.endOffset >= this.preallocBytes / 2) return;
    this.preallocScheduled = true;
    setImmediate(() => {
      this.preallocScheduled = false;
      // Synchronous, so no record write can interleave; the fill only ever goes past the end of what was written.
      if (this.writing || this.rotating || this.failure) return;
      const from = Math.max(this.allocated, this.fileSize);
      try {
        writeAllSync(this.fh.fd, fill(this.preallocBytes), from);
        fdatasyncSync(this.fh.fd);
        this.allocated = from + this.preallocBytes;
        this.stats.preallocations++;
      } catch {
        // No space for it: records still append (each sync then also commits the new file size).
        this.preallocBytes = 0;
      }
    });
  }

  private idle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    const why = err instanceof Error ? err.message : String(err);
    this.failure = new StoreError('IO_ERROR', `writing the journal ${this.file} failed (${why}); later writes are not durable`, this.file);
    this.pending = [];
    this.pendingBytes = 0;
    this.inflightBytes = 0;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }
}

function writeAllSync(fd: number, buf: Buffer, position: number): void {
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off, position + off);
}

let fillChunk = Buffer.alloc(0);
function fill(length: number): Buffer {
  if (fillChunk.length < length) fillChunk = Buffer.alloc(length, FILL_BYTE);
  return fillChunk.subarray(0, length);
}
