/**
 * Event segments: `<db>.events/segment-NNNNNN.log`, append-only files that
 * hold the events of finished executions, so the in-memory image keeps only
 * a reference per execution (segment, offset, length) and not the payloads.
 *
 *   record: length u32 | CRC-32 u32 (of the payload) | payload (UTF-8 JSON: {"e": executionId, "v": [[seq, ts, type, payload], …]})
 *
 * Durability does not rest on these files at first: the journal holds every
 * event until a checkpoint. A checkpoint syncs the segments written since the
 * previous one before it writes the image that references them, and the
 * image records where the active segment ended (meta `segment_id`,
 * `segment_end`). At open, whatever lies beyond that end was written by
 * operations the journal still holds: it is cut, and replaying the journal
 * writes it again. So a torn segment tail is never acknowledged data.
 * Segments no row references any more are deleted once an image without
 * them is on disk (see SqliteStore.capture).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from './durable-files';
import { crc32 } from './journal-format';

export const SEGMENT_HEADER_SIZE = 8;
/** A new segment begins once the active one would pass this; whole segments are what retention can hand back. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** Appended records are written once this much waits, at the latest. */
const WRITE_BATCH_BYTES = 1024 * 1024;

export interface SegmentRef { segment: number; offset: number; length: number }

export interface SegmentPosition { id: number; end: number }

export function segmentsDirFor(dbPath: string): string {
  return `${dbPath}.events`;
}

function fileName(id: number): string {
  return `segment-${String(id).padStart(6, '0')}.log`;
}

function idOf(name: string): number | undefined {
  const m = /^segment-(\d+)\.log$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export class Segments {
  private readonly fds = new Map<number, number>();
  /** Segments written since the last sync(), and whether a file was created (its directory entry needs a sync too). */
  private dirty = new Set<number>();
  private created = false;
  private active: number;
  private end: number;
  /** Records appended but not yet written: one write(2) per batch of seals instead of one per execution. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(readonly dir: string, position: SegmentPosition, private readonly maxBytes: number, private readonly log: (line: string) => void) {
    this.active = position.id;
    this.end = position.end;
  }

  /**
   * Opens the segments of an image that recorded `position` and references
   * the segments in `known`: the active segment is cut back to where the
   * image saw it end (the journal rewrites the rest), and files the image
   * does not know (later segments, or ones a checkpoint freed) are removed.
   */
  static open(dbPath: string, position: SegmentPosition, known: Set<number>, log: (line: string) => void, maxBytes = DEFAULT_SEGMENT_BYTES): Segments {
    const s = new Segments(segmentsDirFor(dbPath), position, maxBytes, log);
    let names: string[] = [];
    try {
      names = fs.readdirSync(s.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names) {
      const id = idOf(name);
      if (id === undefined) continue;
      const file = path.join(s.dir, name);
      if (id === position.id) {
        const size = fs.statSync(file).size;
        if (size > position.end) {
          fs.truncateSync(file, position.end);
          s.dirty.add(id);
        } else if (size < position.end) {
          log(`store: warning: ${file} is ${size} bytes but the database recorded ${position.end}; events stored past byte ${size} are lost`);
        }
      } else if (id > position.id || !known.has(id)) {
        fs.rmSync(file, { force: true });
      }
    }
    for (const id of known) {
      if (id !== position.id && !names.includes(fileName(id))) log(`store: warning: ${path.join(s.dir, fileName(id))} is missing; the events it held cannot be read`);
    }
    return s;
  }

  get position(): SegmentPosition {
    return { id: this.active, end: this.end };
  }

  /**
   * Appends one record. It reaches the file at the next writePending() (the
   * store calls it after each batch of operations, and a read or a capture
   * calls it first) and is synced at the next checkpoint.
   */
  append(payload: Buffer): SegmentRef {
    const length = SEGMENT_HEADER_SIZE + payload.length;
    if (this.end > 0 && this.end + length > this.maxBytes) {
      this.writePending();
      this.active++;
      this.end = 0;
    }
    const record = Buffer.allocUnsafe(length);
    record.writeUInt32LE(payload.length, 0);
    record.writeUInt32LE(crc32(payload), 4);
    payload.copy(record, SEGMENT_HEADER_SIZE);
    this.pending.push(record);
    this.pendingBytes += length;
    const ref = { segment: this.active, offset: this.end, length };
    this.end += length;
    this.dirty.add(this.active);
    if (this.pendingBytes >= WRITE_BATCH_BYTES) this.writePending();
    return ref;
  }

  /** Writes the appended records to the active segment (page cache only; checkpoints sync). */
  writePending(): void {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    const at = this.end - this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const fd = this.fd(this.active, true);
    let done = 0;
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, at + done);
  }

  /** The payload of the record at `ref`; throws when it is missing or fails its checksum. */
  read(ref: SegmentRef): Buffer {
    this.writePending();
    const fd = this.fd(ref.segment, false);
    const buf = Buffer.allocUnsafe(ref.length);
    let done = 0;
    while (done < ref.length) {
      const n = fs.readSync(fd, buf, done, ref.length - done, ref.offset + done);
      if (n <= 0) throw new Error(`segment ${ref.segment} ends before byte ${ref.offset + ref.length}`);
      done += n;
    }
    const len = buf.readUInt32LE(0);
    const payload = buf.subarray(SEGMENT_HEADER_SIZE);
    if (len !== payload.length || buf.readUInt32LE(4) !== crc32(payload)) throw new Error(`segment ${ref.segment} record at byte ${ref.offset} fails its checksum`);
    return payload;
  }

  /**
   * The payload at `ref`, or undefined with a warning when it cannot be read
   * (a segment deleted or damaged behind the daemon's back): a read answers
   * the events that remain rather than fail the request.
   */
  tryRead(ref: SegmentRef): Buffer | undefined {
    try {
      return this.read(ref);
    } catch (err) {
      this.log(`store: warning: events in ${path.join(this.dir, fileName(ref.segment))} at byte ${ref.offset} cannot be read (${err instanceof Error ? err.message : String(err)}); they are left out`);
      return undefined;
    }
  }

  /** Takes the set of segments written since the last call; the returned function makes them durable. */
  takeDirty(): () => Promise<void> {
    this.writePending();
    const ids = [...this.dirty];
    const created = this.created;
    this.dirty = new Set();
    this.created = false;
    const fds = ids.map((id) => this.fds.get(id)).filter((fd): fd is number => fd !== undefined);
    return async () => {
      try {
        await Promise.all(fds.map((fd) => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())))));
        if (created) await fsyncDir(this.dir);
      } catch (err) {
        // The checkpoint fails; the next one must sync these again.
        for (const id of ids) this.dirty.add(id);
        this.created ||= created;
        throw err;
      }
    };
  }

  /** Removes segments no image on disk references any more. */
  remove(ids: number[]): void {
    for (const id of ids) {
      const fd = this.fds.get(id);
      if (fd !== undefined) fs.closeSync(fd);
      this.fds.delete(id);
      fs.rmSync(path.join(this.dir, fileName(id)), { force: true });
    }
  }

  close(): void {
    this.writePending();
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private fd(id: number, create: boolean): number {
    let fd = this.fds.get(id);
    if (fd !== undefined) return fd;
    const file = path.join(this.dir, fileName(id));
    if (create) {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 }); // private like the database (docs/security.md)
      if (!fs.existsSync(file)) this.created = true;
      fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    } else {
      fd = fs.openSync(file, 'r+'); // the active segment may be read before it is appended to
    }
    this.fds.set(id, fd);
    return fd;
  }
}
