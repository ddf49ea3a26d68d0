/** Speaks raw LSP frames to a daemon, for messages a well-behaved client library would never send. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { FrameDecoder } from '../../server/protocol/frame';
import { CLI, tempDir } from './daemon';

export interface RawDaemon {
  send(body: string): void;
  /** Raw bytes, framing included (or not). */
  write(data: string | Buffer): void;
  /** Next decoded response/notification body. */
  next(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export function startRawDaemon(): RawDaemon {
  const proc = spawn(process.execPath, ['--no-node-snapshot', CLI, 'serve', '--stdio', '--db', path.join(tempDir(), 'raw.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const frames = new FrameDecoder();
  const queue: Array<Record<string, unknown>> = [];
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  proc.stdout.on('data', (chunk: Buffer) => {
    for (const body of frames.push(chunk)) {
      const message = JSON.parse(Buffer.from(body as Uint8Array).toString()) as Record<string, unknown>;
      const w = waiting.shift();
      if (w) w(message); else queue.push(message);
    }
  });
  return {
    write(data) {
      proc.stdin.write(data);
    },
    send(body) {
      // The body as given (encodeFrame would re-serialise it): bodies a client library would never send.
      proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    next() {
      const m = queue.shift();
      return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
    },
    async stop() {
      proc.stdin.end();
      await new Promise((resolve) => proc.once('exit', resolve));
    },
  };
}
