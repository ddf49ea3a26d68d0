/**
 * Reads a client's byte stream into JSON-RPC messages for vscode-jsonrpc's
 * connection, with the contract's frame codec (protocol/frame.ts) rather than
 * the library's reader, which buffers a whole body of whatever Content-Length
 * a header announces. A frame above MAX_FRAME_BYTES never buffers: the client
 * is told at its header (`onRefused`) and its body is skipped as it streams
 * by. Bodies that are not JSON-RPC become the wire decoder's bad-message
 * notifications. Broken framing (a header that never ends or names no
 * length) cannot be skipped: the stream is destroyed.
 */
import { AbstractMessageReader, Disposable, type DataCallback, type MessageReader } from 'vscode-jsonrpc';
import type { Readable } from 'node:stream';
import { FrameDecoder, refusedMessage } from '../protocol/frame';
import { decodeMessage } from './wire-decoder';

export class FrameReader extends AbstractMessageReader implements MessageReader {
  private readonly decoder: FrameDecoder;
  private closed = false;

  constructor(private readonly readable: Readable, private readonly onRefused: (message: string) => void, private readonly maxBytes?: number) {
    super();
    this.decoder = new FrameDecoder(maxBytes);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Uint8Array): void => {
      let frames;
      try {
        frames = this.decoder.push(chunk);
      } catch (error) {
        this.fireError(error);
        this.readable.destroy();
        return;
      }
      for (const frame of frames) {
        if (frame instanceof Uint8Array) callback(decodeMessage(frame));
        else this.onRefused(`${refusedMessage(frame, this.maxBytes)}; it was skipped`);
      }
    };
    // A clean end and a reset both end the connection, once.
    const onClose = (): void => {
      if (this.closed) return;
      this.closed = true;
      this.fireClose();
    };
    const onError = (error: Error): void => this.fireError(error);
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    return Disposable.create(() => {
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('end', onClose);
      this.readable.off('close', onClose);
    });
  }
}
