/**
 * Sits between a client's byte stream and vscode-jsonrpc's reader, which
 * buffers a whole body of whatever Content-Length a header announces. Frames
 * above MAX_FRAME_BYTES never reach it: their body is skipped as it streams
 * by (memory stays bounded) and `onRefused` tells the client why. A header
 * that never ends or names no length cannot be skipped: the stream ends.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { MAX_FRAME_BYTES, MAX_FRAME_HEADER_BYTES } from '../protocol/frame';

const BLANK_LINE = Buffer.from('\r\n\r\n', 'ascii');

export class FrameLimiter extends Transform {
  /** Header bytes seen so far of the frame being read (already passed on, unless refused). */
  private header: Buffer = Buffer.alloc(0);
  /** Body bytes still to pass on (>0) or to skip (<0). */
  private body = 0;

  constructor(private readonly onRefused: (message: string) => void, private readonly maxBytes = MAX_FRAME_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.body !== 0) {
        const n = Math.min(Math.abs(this.body), data.length);
        if (this.body > 0) { this.push(data.subarray(0, n)); this.body -= n; } else this.body += n;
        data = data.subarray(n);
        continue;
      }
      // A header is held back until it is whole, so a refused frame leaves nothing behind in the reader.
      this.header = this.header.length === 0 ? data : Buffer.concat([this.header, data]);
      data = Buffer.alloc(0);
      const end = this.header.indexOf(BLANK_LINE);
      if (end < 0) {
        if (this.header.length > MAX_FRAME_HEADER_BYTES) return callback(notFraming(`a frame header longer than ${MAX_FRAME_HEADER_BYTES} bytes`));
        break;
      }
      const header = this.header.subarray(0, end + BLANK_LINE.length);
      data = this.header.subarray(end + BLANK_LINE.length);
      this.header = Buffer.alloc(0);
      const match = /content-length:\s*(\d+)/i.exec(header.toString('ascii'));
      if (!match) return callback(notFraming(`a frame header without Content-Length: ${JSON.stringify(header.toString('ascii').slice(0, 200))}`));
      const length = Number(match[1]);
      if (length > this.maxBytes) {
        this.onRefused(`a frame of ${length} bytes exceeds the maximum frame size of ${this.maxBytes} bytes (MAX_FRAME_BYTES); it was skipped`);
        this.body = -length;
      } else {
        this.push(header);
        this.body = length;
      }
    }
    callback();
  }
}

function notFraming(what: string): Error {
  return new Error(`${what}: not LSP framing; closing the connection`);
}
