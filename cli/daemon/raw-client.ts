/**
 * A minimal JSON-RPC client over a daemon socket, without vscode-jsonrpc or
 * zod, so that hot commands (`exec repl`) start fast. Errors reject with
 * RpcError, which carries the contract's string code in `data.code`.
 */
import type { Duplex } from 'node:stream';
import { encodeFrame, MessageDecoder } from './frames';

export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: { code?: string; details?: Record<string, unknown> }) { super(message); }
}

/** The connection ended before the answer came. */
export class ConnectionLost extends Error {}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

export class RawClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new MessageDecoder();
  private notificationHandler: (method: string, params: unknown) => void = () => undefined;
  readonly closed: Promise<void>;

  constructor(private readonly socket: Duplex) {
    let broken: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of this.decoder.push(chunk)) this.dispatch(message);
      } catch (error) {
        // Bad framing, a frame too large, a body that is not a message, or one its handler could not take:
        // nothing more can be trusted from this connection. Pending requests fail with the reason.
        broken = (error as Error).message;
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => {
      const reason = broken ? `the connection to the daemon was dropped: ${broken}` : 'the daemon closed the connection';
      for (const p of this.pending.values()) p.reject(new ConnectionLost(reason));
      this.pending.clear();
      resolve();
    }));
  }

  /** Sends a request; `onId` learns its id (for `$/cancelRequest`). */
  request<T = unknown>(method: string, params?: unknown, onId?: (id: number) => void): Promise<T> {
    const id = this.nextId++;
    onId?.(id);
    if (this.socket.destroyed) return Promise.reject(new ConnectionLost('the daemon connection is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(encodeFrame({ jsonrpc: '2.0', id, method, params }));
    });
  }

  notify(method: string, params?: unknown): void {
    this.socket.write(encodeFrame({ jsonrpc: '2.0', method, params }));
  }

  onNotification(handler: (method: string, params: unknown) => void): void {
    this.notificationHandler = handler;
  }

  close(): void {
    this.socket.destroy();
  }

  private dispatch(message: Record<string, unknown>): void {
    if (typeof message.method === 'string') {
      if (message.id !== undefined) {
        // A server → client request we do not serve (we never declare prompt support).
        this.socket.write(encodeFrame({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'not supported by this client' } }));
        return;
      }
      this.notificationHandler(message.method, message.params);
      return;
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!pending) return;
    this.pending.delete(message.id as number);
    const error = message.error as { code: number; message: string; data?: RpcError['data'] } | undefined;
    if (error) pending.reject(new RpcError(error.code, error.message, error.data));
    else pending.resolve(message.result);
  }
}
