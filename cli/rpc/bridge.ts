/**
 * `vm-system rpc`: NDJSON on stdin ⇄ LSP frames to the daemon ⇄ NDJSON on
 * stdout. Each input line is one message; `jsonrpc` is added and requests get
 * an id when they lack one; `initialize` is sent first unless the first
 * message is one (its answer is not printed); an unparsable line answers a
 * PARSE_ERROR line. Every response, server notification and server request
 * is one output line. At end of input the bridge waits for the outstanding
 * responses and answers exit code 0 (3 when the daemon goes away first).
 */
import type { Duplex } from 'node:stream';
import readline from 'node:readline';
import { encodeFrame, MessageDecoder } from '../daemon/frames';

export interface BridgeOptions {
  input: NodeJS.ReadableStream;
  write(line: string): void;
  /** Methods sent without an id when the line has none (client → server notifications). */
  isNotification(method: string): boolean;
  clientName: string;
}

type Id = string | number;
const AUTO_INIT_ID = 'vm-system-rpc-initialize';

const errorLine = (id: Id | null, code: number, stringCode: string, message: string): string =>
  JSON.stringify({ jsonrpc: '2.0', id, error: { code, message, data: { code: stringCode } } });

export function runBridge(socket: Duplex, options: BridgeOptions): Promise<number> {
  const outstanding = new Set<string>();
  const used = new Set<string>();
  let nextId = 1;
  let inputEnded = false;
  let sawFirst = false;
  let exitSent = false;
  /** Lines held back until the automatic initialize is answered. */
  let held: Array<Record<string, unknown>> | undefined;
  const key = (id: Id): string => `${typeof id}:${id}`;
  const decoder = new MessageDecoder();

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(code);
    };
    const maybeFinish = (): void => {
      if (inputEnded && outstanding.size === 0 && held === undefined) finish(0);
    };

    const send = (message: Record<string, unknown>): void => {
      if (held) { held.push(message); return; }
      socket.write(encodeFrame(message));
    };

    socket.on('data', (chunk: Buffer) => {
      let messages: Array<Record<string, unknown>>;
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        process.stderr.write(`vm-system: ${(error as Error).message}\n`);
        finish(3);
        return;
      }
      for (const message of messages) {
        const isResponse = message.method === undefined && (typeof message.id === 'string' || typeof message.id === 'number');
        if (isResponse && message.id === AUTO_INIT_ID) {
          if (message.error) options.write(JSON.stringify(message));
          const queued = held ?? [];
          held = undefined;
          for (const m of queued) socket.write(encodeFrame(m));
          maybeFinish();
          continue;
        }
        if (isResponse) outstanding.delete(key(message.id as Id));
        options.write(JSON.stringify(message));
      }
      maybeFinish();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (done) return;
      if (exitSent && outstanding.size === 0) { finish(0); return; }
      process.stderr.write(`vm-system: the daemon closed the connection${outstanding.size ? ` with ${outstanding.size} request(s) unanswered` : ''}\n`);
      finish(3);
    });

    const assignId = (): number => {
      while (used.has(key(nextId))) nextId++;
      return nextId++;
    };

    const onLine = (line: string): void => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        options.write(errorLine(null, -32700, 'PARSE_ERROR', `line is not JSON: ${(error as Error).message}`));
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        options.write(errorLine(null, -32600, 'INVALID_REQUEST', Array.isArray(value) ? 'batches are not supported: one message per line' : 'a JSON-RPC message must be an object'));
        return;
      }
      const message: Record<string, unknown> = { jsonrpc: '2.0', ...(value as Record<string, unknown>) };
      if (!sawFirst) {
        sawFirst = true;
        if (message.method !== 'initialize') {
          socket.write(encodeFrame({ jsonrpc: '2.0', id: AUTO_INIT_ID, method: 'initialize', params: { processId: process.pid, clientInfo: { name: options.clientName } } }));
          held = [];
        }
      }
      const isResponse = message.method === undefined && ('result' in message || 'error' in message);
      if (isResponse) { send(message); return; }
      if (message.id === undefined && typeof message.method === 'string' && options.isNotification(message.method)) {
        if (message.method === 'exit') exitSent = true;
        send(message);
        return;
      }
      if (message.id === undefined || message.id === null) message.id = assignId();
      if (typeof message.id === 'string' || typeof message.id === 'number') {
        used.add(key(message.id));
        outstanding.add(key(message.id));
      }
      send(message);
    };

    const rl = readline.createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
    rl.on('line', onLine);
    rl.on('close', () => { inputEnded = true; maybeFinish(); });
  });
}
