/**
 * LSP base framing (`Content-Length: N\r\n\r\n` + JSON body) without a
 * JSON-RPC library: used by the fast path and by `vm-system rpc`, which pass
 * messages through as they are. Encoding is the contract's (server/protocol/frame.ts).
 */
export { encodeFrame } from '../../server/protocol/frame';

/** Splits a byte stream into message bodies; undecodable bodies are reported as such. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<Record<string, unknown>> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: Array<Record<string, unknown>> = [];
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /content-length:\s*(\d+)/i.exec(header);
      if (!match) throw new Error(`bad frame header from the daemon: ${JSON.stringify(header)}`);
      const length = Number(match[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) break;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      messages.push(JSON.parse(body) as Record<string, unknown>);
    }
    return messages;
  }
}
