/**
 * The daemon's messages out of a socket's bytes, without a JSON-RPC library:
 * for the fast path and `vm-system rpc`, which pass messages through as they
 * are. Framing is the contract's codec (server/protocol/frame.ts); this only
 * adds what a client of our daemon may insist on: every body a JSON object.
 */
import { FrameDecoder, refusedMessage } from '../../server/protocol/frame';

export { encodeFrame } from '../../server/protocol/frame';

const utf8 = new TextDecoder('utf-8');

/** Splits a byte stream into messages; broken framing, a frame above MAX_FRAME_BYTES (before it is buffered) and a body that is not a JSON object throw. */
export class MessageDecoder {
  private readonly frames = new FrameDecoder();

  push(chunk: Uint8Array): Array<Record<string, unknown>> {
    return this.frames.push(chunk).map((frame) => {
      if (!(frame instanceof Uint8Array)) throw new Error(`${refusedMessage(frame)} from the daemon`);
      let value: unknown;
      try {
        value = JSON.parse(utf8.decode(frame));
      } catch (error) {
        throw new Error(`a message from the daemon is not JSON: ${(error as Error).message}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`a message from the daemon is not a JSON object: ${JSON.stringify(value).slice(0, 100)}`);
      return value as Record<string, unknown>;
    });
  }
}
