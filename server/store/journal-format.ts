/**
 * On-disk format of `<db>.journal` (pure functions, no I/O).
 *
 *   header (48 bytes): "VMSJRNL1" | database id (16 bytes, the UUID in meta.db_id) | format version u32
 *                      | image CRC-32 u32 | image length u64 | flags u32 (bit 0: image identity present) | CRC-32 of bytes 0..43
 *   record:            length u32 | CRC-32 u32 | lsn u64 | payload (length bytes, UTF-8 JSON of an Op)
 *   (all integers little-endian)
 *
 * The record CRC covers the lsn and the payload, so a torn write, a zero-filled
 * tail or stray bytes all fail it. Records carry consecutive LSNs (log
 * sequence numbers); the image records the last LSN it contains
 * (meta.checkpoint_lsn), so replay skips what the image already has and a
 * journal need not be truncated at exactly the checkpoint boundary.
 *
 * The header also names the image the journal continues (CRC-32 and length
 * of the file as the last checkpoint wrote it). When the file on disk still
 * matches, it is byte-for-byte an image we exported from a healthy database,
 * and opening can skip SQLite's O(size) integrity check (a CRC is ~15x cheaper).
 */
import * as zlib from 'node:zlib';

export const HEADER_SIZE = 48;
export const RECORD_HEADER_SIZE = 16;
const MAGIC = Buffer.from('VMSJRNL1', 'latin1');
/**
 * 2: adds the operations execution.start and execution.finish. A journal of
 * format 1 is read and rewritten as 2 at open; a build that knows only 1
 * refuses a 2 rather than skip operations it cannot apply.
 * 3: adds library.put.
 */
export const FORMAT_VERSION = 3;
const OLDEST_FORMAT = 1;
/** Anything longer is not a record we wrote: treat as garbage rather than allocate it. */
export const MAX_RECORD = 256 * 1024 * 1024;

// ---------------------------------------------------------------- CRC-32

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, the zip/PNG one), table driven. */
export function crc32js(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Node >= 20.15 computes the same CRC natively (several times faster); older Node 20s use ours. */
const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
export const crc32: (buf: Uint8Array) => number = nativeCrc ? (b) => nativeCrc(b) >>> 0 : crc32js;

// ---------------------------------------------------------------- header

function idBytes(dbId: string): Buffer {
  const hex = dbId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`store: bad database id ${dbId}`);
  return Buffer.from(hex, 'hex');
}

/** What the journal header records about its image. */
export interface ImageIdentity { crc: number; length: number }

/** Only with a native CRC: hashing a large image in JavaScript would block the event loop for longer than the check it saves. */
export function imageIdentity(image: Uint8Array): ImageIdentity | undefined {
  return nativeCrc ? { crc: crc32(image), length: image.length } : undefined;
}

export function encodeHeader(dbId: string, image?: ImageIdentity): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(h, 0);
  idBytes(dbId).copy(h, 8);
  h.writeUInt32LE(FORMAT_VERSION, 24);
  if (image) {
    h.writeUInt32LE(image.crc, 28);
    h.writeUInt32LE(image.length % 0x1_0000_0000, 32);
    h.writeUInt32LE(Math.floor(image.length / 0x1_0000_0000), 36);
    h.writeUInt32LE(1, 40);
  }
  h.writeUInt32LE(crc32(h.subarray(0, 44)), 44);
  return h;
}

export type HeaderCheck = { ok: true; version: number; image?: ImageIdentity } | { ok: false; reason: string };

/** Structure only (magic, checksum, version); `dbId` given: also that it belongs to that database. */
export function checkHeader(buf: Buffer, dbId?: string): HeaderCheck {
  if (buf.length < HEADER_SIZE) return { ok: false, reason: `shorter than its ${HEADER_SIZE}-byte header` };
  if (!buf.subarray(0, 8).equals(MAGIC)) return { ok: false, reason: 'not a vm-system journal (bad magic)' };
  if (buf.readUInt32LE(44) !== crc32(buf.subarray(0, 44))) return { ok: false, reason: 'damaged header (checksum mismatch)' };
  const version = buf.readUInt32LE(24);
  if (version < OLDEST_FORMAT || version > FORMAT_VERSION) {
    return { ok: false, reason: `unknown journal format ${version}${version > FORMAT_VERSION ? ' (written by a newer vm-system)' : ''}` };
  }
  if (dbId !== undefined && !buf.subarray(8, 24).equals(idBytes(dbId))) return { ok: false, reason: 'it belongs to a different database' };
  if ((buf.readUInt32LE(40) & 1) === 0) return { ok: true, version };
  return { ok: true, version, image: { crc: buf.readUInt32LE(28), length: buf.readUInt32LE(32) + buf.readUInt32LE(36) * 0x1_0000_0000 } };
}

// ---------------------------------------------------------------- records

export function encodeRecord(lsn: number, payload: string): Buffer {
  const len = Buffer.byteLength(payload);
  const rec = Buffer.allocUnsafe(RECORD_HEADER_SIZE + len);
  rec.writeUInt32LE(len, 0);
  rec.writeUInt32LE(lsn % 0x1_0000_0000, 8);
  rec.writeUInt32LE(Math.floor(lsn / 0x1_0000_0000), 12);
  rec.write(payload, RECORD_HEADER_SIZE, 'utf8');
  rec.writeUInt32LE(crc32(rec.subarray(8)), 4);
  return rec;
}

/**
 * The byte preallocated journal space is filled with (journal.ts). A length
 * field of 0xA7A7A7A7 exceeds MAX_RECORD, so replay stops there; a tail made
 * only of it is our own space, not damage. Torn writes leave zeros or stray
 * data, never a run of this byte, so they are still reported and cut.
 */
export const FILL_BYTE = 0xa7;

/** Is `tail` nothing but preallocated space? */
export function isPreallocated(tail: Uint8Array): boolean {
  for (let i = 0; i < tail.length; i++) if (tail[i] !== FILL_BYTE) return false;
  return tail.length > 0;
}

export interface ScannedRecord { lsn: number; payload: Buffer }

export interface Scan {
  records: ScannedRecord[];
  /** Offset just past the last good record: where the journal continues. */
  goodEnd: number;
  /** Bytes after goodEnd that are not a good record (a torn or garbage tail). */
  tailBytes: number;
  /** Why scanning stopped before the end, when it did. */
  stopReason?: string;
}

/**
 * Reads records after the header until the first one that is incomplete,
 * fails its checksum or breaks the LSN sequence. Everything from there on is
 * the tail: with sequential appends and a sync per acknowledgement, only an
 * unacknowledged write can be torn, so the tail holds nothing acknowledged.
 */
export function scanRecords(buf: Buffer): Scan {
  const records: ScannedRecord[] = [];
  let off = HEADER_SIZE;
  let stopReason: string | undefined;
  let prevLsn = -1;
  while (off < buf.length) {
    if (buf.length - off < RECORD_HEADER_SIZE) { stopReason = 'incomplete record header'; break; }
    const len = buf.readUInt32LE(off);
    if (len > MAX_RECORD || off + RECORD_HEADER_SIZE + len > buf.length) { stopReason = 'incomplete record'; break; }
    const end = off + RECORD_HEADER_SIZE + len;
    if (buf.readUInt32LE(off + 4) !== crc32(buf.subarray(off + 8, end))) { stopReason = 'checksum mismatch'; break; }
    const lsn = buf.readUInt32LE(off + 8) + buf.readUInt32LE(off + 12) * 0x1_0000_0000;
    if (prevLsn >= 0 && lsn !== prevLsn + 1) { stopReason = `sequence break (lsn ${lsn} after ${prevLsn})`; break; }
    records.push({ lsn, payload: buf.subarray(off + RECORD_HEADER_SIZE, end) });
    prevLsn = lsn;
    off = end;
  }
  const goodEnd = Math.min(off, buf.length);
  return { records, goodEnd, tailBytes: buf.length - goodEnd, ...(stopReason !== undefined && { stopReason }) };
}
