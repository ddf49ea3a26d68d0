/**
 * LSP base framing, both ways: `Content-Length: N\r\n\r\n` + the UTF-8 JSON
 * body. The one codec of the daemon, the CLI and the tests; dependency-free
 * (no Node APIs, no schemas) so the CLI's fast path can import it alone.
 */

/** A message as one frame, in one buffer (one write). */
export function encodeFrame(message: unknown): Uint8Array {
  const body = utf8.encode(JSON.stringify(message));
  const head = utf8.encode(`Content-Length: ${body.length}\r\n\r\n`);
  const frame = new Uint8Array(head.length + body.length);
  frame.set(head);
  frame.set(body, head.length);
  return frame;
}

// The contract uses no Node APIs (test/unit/boundaries.test.ts): TextEncoder, not Buffer.
const utf8 = new TextEncoder();

/**
 * The largest frame body either side accepts (64 MiB): a bigger one is
 * refused before it is buffered — the daemon answers INVALID_REQUEST (id
 * null) and skips its body; the CLI ends the connection with an error.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** A frame header longer than this (no blank line yet) is not LSP framing. */
export const MAX_FRAME_HEADER_BYTES = 8 * 1024;

/** A frame the decoder refused: its header announced `refused` bytes, more than the maximum; its body is skipped as it streams by. */
export interface RefusedFrame { refused: number }

/** The byte stream is not LSP framing (a header without an end or without Content-Length): nothing more can be read from it. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
}

const CR = 13;
const LF = 10;
/** The header line that counts, matched line by line (`X-Content-Length` is not it). */
const CONTENT_LENGTH = /^content-length:[ \t]*(\d+)[ \t]*$/im;
const headerText = new TextDecoder('utf-8');

/**
 * Splits a byte stream into frame bodies, however the bytes are cut: the one
 * LSP frame decoder of the daemon, the CLI and the tests. A body is copied
 * once, into a buffer of its announced size; a frame above `maxBytes` is
 * reported as a RefusedFrame at its header (before any of its body came) and
 * its body skipped, so memory stays bounded. Broken framing throws FramingError.
 */
export class FrameDecoder {
  /** Bytes of a header whose end has not come yet. */
  private header: Uint8Array = new Uint8Array(0);
  /** The body being filled, and how much of it is. */
  private body: Uint8Array | undefined;
  private filled = 0;
  /** Bytes of a refused body still to skip. */
  private skipping = 0;

  constructor(private readonly maxBytes = MAX_FRAME_BYTES) {}

  /** Whether no part of a frame is held: a stream that ends now ends between frames. */
  get atBoundary(): boolean {
    return this.header.length === 0 && this.body === undefined && this.skipping === 0;
  }

  /** The bodies (and refused frames) that `chunk` completes, in order. */
  push(chunk: Uint8Array): Array<Uint8Array | RefusedFrame> {
    const out: Array<Uint8Array | RefusedFrame> = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, chunk.length - at);
        this.skipping -= n;
        at += n;
      } else if (this.body) {
        const n = Math.min(this.body.length - this.filled, chunk.length - at);
        this.body.set(chunk.subarray(at, at + n), this.filled);
        this.filled += n;
        at += n;
        if (this.filled === this.body.length) {
          out.push(this.body);
          this.body = undefined;
        }
      } else {
        at = this.readHeader(chunk, at, out);
      }
    }
    return out;
  }

  /** Consumes header bytes from `chunk` at `at`; answers where the rest of the chunk starts. */
  private readHeader(chunk: Uint8Array, at: number, out: Array<Uint8Array | RefusedFrame>): number {
    // The end may straddle chunks: look in what is held plus at most one header's worth of the new chunk.
    const held = this.header.length;
    const window = held === 0 ? chunk.subarray(at, at + MAX_FRAME_HEADER_BYTES + 4) : concat(this.header, chunk.subarray(at, at + MAX_FRAME_HEADER_BYTES + 4));
    const end = blankLine(window, Math.max(0, held - 3));
    if (end < 0) {
      if (window.length > MAX_FRAME_HEADER_BYTES) throw new FramingError(`a frame header longer than ${MAX_FRAME_HEADER_BYTES} bytes: not LSP framing`);
      this.header = held === 0 ? chunk.slice(at) : window;
      return chunk.length;
    }
    this.header = new Uint8Array(0);
    const text = headerText.decode(window.subarray(0, end));
    const match = CONTENT_LENGTH.exec(text);
    if (!match) throw new FramingError(`a frame header without Content-Length: ${JSON.stringify(text.slice(0, 200))}: not LSP framing`);
    const length = Number(match[1]);
    if (length > this.maxBytes) {
      out.push({ refused: length });
      this.skipping = length;
    } else if (length === 0) {
      out.push(new Uint8Array(0));
    } else {
      this.body = new Uint8Array(length);
      this.filled = 0;
    }
    return at + end + 4 - held;
  }
}

/** Index of the `\r\n\r\n` that ends a header, searching from `from`; -1 when there is none yet. */
function blankLine(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 3 < bytes.length; i++) {
    if (bytes[i] === CR && bytes[i + 1] === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A refused frame, as a message for people (the daemon's INVALID_REQUEST answer, the CLI's error). */
export function refusedMessage(frame: RefusedFrame, maxBytes = MAX_FRAME_BYTES): string {
  return `a frame of ${frame.refused} bytes exceeds the maximum frame size of ${maxBytes} bytes (MAX_FRAME_BYTES)`;
}
