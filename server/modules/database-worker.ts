/**
 * Entry of dist/database-worker.js: one worker thread per configured
 * database of a session. SQL runs here, off the runtime host's main thread,
 * so a slow or runaway query never holds up the host's other sessions, and
 * the host can end it at the execution's limits by terminating this thread
 * (database-client.ts).
 */
import { parentPort } from 'node:worker_threads';
import { DatabaseEngine } from './database-engine';

export type EngineOp = 'openDatabase' | 'query' | 'exec' | 'exportForSave' | 'close';
export interface EngineRequest { id: number; op: EngineOp; args: unknown[] }
export type EngineReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

const engine = new DatabaseEngine();
const port = parentPort;

port?.on('message', async ({ id, op, args }: EngineRequest) => {
  let reply: EngineReply;
  try {
    const result = await (engine[op] as (...a: unknown[]) => unknown).apply(engine, args);
    reply = { id, ok: true, result };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    reply = { id, ok: false, error: { name: e.name, message: e.message, ...(typeof code === 'string' && { code }) } };
  }
  port.postMessage(reply);
});
