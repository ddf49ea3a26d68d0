/**
 * LSP base framing (`Content-Length: N\r\n\r\n` + JSON body) without a
 * JSON-RPC library: used by the fast path and by `vm-system rpc`, which pass
 * messages through as they are. Encoding is the contract's (server/protocol/frame.ts).
 */
import { MAX_FRAME_BYTES, MAX_FRAME_HEADER_BYTES } from '../../server/protocol/frame';

export { encodeFrame } from '../../server/protocol/frame';

/** Splits a byte stream into message bodies; undecodable bodies, and frames above MAX_FRAME_BYTES before they are buffered, throw. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<Record<string, unknown>> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: Array<Record<string, unknown>> = [];
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        if (this.buffer.length > MAX_FRAME_HEADER_BYTES) throw new Error('bad frame from the daemon: a header without an end');
        break;
      }
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /content-length:\s*(\d+)/i.exec(header);
      if (!match) throw new Error(`bad frame header from the daemon: ${JSON.stringify(header)}`);
      const length = Number(match[1]);
      if (length > MAX_FRAME_BYTES) throw new Error(`a frame of ${length} bytes from the daemon exceeds the maximum frame size of ${MAX_FRAME_BYTES} bytes`);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) break;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      messages.push(JSON.parse(body) as Record<string, unknown>);
    }
    return messages;
  }
}
