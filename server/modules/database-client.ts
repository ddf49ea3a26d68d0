/**
 * The runtime host's side of one database worker (database-worker.ts): calls
 * as messages, answered in order. While a call runs, the execution's abort
 * signal (its wall or CPU limit, a cancel, an output limit, the session
 * closing) terminates the worker: the query stops at once, wherever it is,
 * and the connection is gone (an in-memory database with it, and changes to
 * a file database since its last save).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineOp, EngineReply } from './database-worker';
import { codedError } from './errors';

/** The worker's own JavaScript heap (sql.js's wrapper and query results; SQLite's memory is capped apart). */
const WORKER_HEAP_MB = 96;

function workerScript(): string {
  const beside = path.join(__dirname, 'database-worker.js');
  if (existsSync(beside)) return beside;
  // From sources (tsx): the built worker in dist/.
  return path.resolve(__dirname, '../../dist/database-worker.js');
}

interface Pending { resolve(value: unknown): void; reject(error: Error): void }

export class DatabaseClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  /** Why the worker is gone; undefined while it serves. */
  ended: string | undefined;

  constructor() {
    this.worker = new Worker(workerScript(), {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      // Nothing of the host's environment is needed in there.
      env: {},
    });
    this.worker.unref();
    this.worker.on('message', (reply: EngineReply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      if (reply.ok) entry.resolve(reply.result);
      else entry.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name, ...(reply.error.code && { code: reply.error.code }) }));
    });
    this.worker.on('error', (err) => this.end(`the database worker failed (${err.message})`));
    this.worker.on('exit', () => this.end('the database worker exited'));
  }

  call<T>(op: EngineOp, args: unknown[], signal?: AbortSignal): Promise<T> {
    if (this.ended) return Promise.reject(closedError(this.ended));
    return new Promise<T>((resolve, reject) => {
      const id = ++this.seq;
      const onAbort = () => this.terminate('the execution was stopped during a database call (a limit, a cancel, or the session closing)');
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => { settle(); resolve(v as T); },
        reject: (e) => { settle(); reject(e); },
      });
      if (signal?.aborted) { onAbort(); return; }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ id, op, args });
    });
  }

  /** Ends the worker now; pending and later calls fail with `reason`. */
  terminate(reason: string): void {
    this.end(reason);
    void this.worker.terminate();
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = reason;
    for (const entry of this.pending.values()) entry.reject(closedError(reason));
    this.pending.clear();
  }
}

export function closedError(reason: string): Error {
  return codedError('DATABASE_CLOSED', `DATABASE_CLOSED: the database connection was closed: ${reason}; call configure() again`);
}
