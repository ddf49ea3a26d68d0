import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc';
import type { Writable } from 'node:stream';

/**
 * Writes each message as one Content-Length frame in a single write().
 * vscode-jsonrpc's StreamMessageWriter writes the header and the body as two
 * writes, awaiting the first, behind a promise semaphore: several event-loop
 * turns per message, and an execution sends three or more (events, then the
 * answer). Order is kept because writes to a stream are queued in order.
 */
export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly writable: Writable) {
    super();
    writable.on('error', (error: Error) => this.fireError(error));
    writable.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    let frame: Buffer;
    try {
      const body = Buffer.from(JSON.stringify(msg), 'utf8');
      frame = Buffer.concat([Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii'), body]);
    } catch (error) {
      this.fireError(error as Error, msg, ++this.errorCount);
      return Promise.reject(error);
    }
    if (this.writable.destroyed || this.writable.writableEnded) return Promise.reject(new Error('the client is gone'));
    this.writable.write(frame);
    return Promise.resolve();
  }

  end(): void {
    this.writable.end();
  }
}
