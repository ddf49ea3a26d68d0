/**
 * `vm-system/client`: drive a vm-system daemon from another program — spawn a
 * daemon of your own on stdio, or attach to the one that serves a database
 * (the editor's, the CLI's) over its socket; typed requests from
 * `vm-system/protocol`, execution events and prompts as callbacks, a clean
 * shutdown. The CLI reaches its daemons through the same functions.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import {
  createMessageConnection, StreamMessageReader,
  type CancellationToken, type Disposable, type MessageConnection,
} from 'vscode-jsonrpc/node.js';
import type * as z from 'zod';
import {
  ExecutionEventNotification, ExecutionsPrompt, Initialize, daemonSocketPath,
  type ParamsOf, type RequestDef, type ResultOf,
} from '../server/protocol';
import { connectSocket } from './socket';
import { TolerantWriter } from './tolerant-writer';

export { connectSocket };

export type InitializeParams = ParamsOf<typeof Initialize>;
export type InitializeResult = ResultOf<typeof Initialize>;
export type ExecutionEventParams = ParamsOf<typeof ExecutionEventNotification>;
export type PromptParams = ParamsOf<typeof ExecutionsPrompt>;

export interface ClientOptions {
  /** Sent in `initialize` (default `{name: 'vm-system-client'}`). */
  clientInfo?: { name: string; version?: string };
  /**
   * Answers `prompt()` in session code. Without it the client does not declare
   * the prompt capability, and `prompt()` returns null in the session.
   */
  onPrompt?: (request: PromptParams) => string | null | Promise<string | null>;
  /** Merged into `initialize`'s params (e.g. `processId`, `initializationOptions`). */
  initialize?: Omit<InitializeParams, 'clientInfo'>;
}

export interface SpawnOptions extends ClientOptions {
  /** The daemon's database (default: the CLI's default database). */
  dbPath?: string;
  /** Node that runs the daemon (default: the one running this program). */
  node?: string;
  /** Also serve the database's socket, so the CLI and other clients can attach. */
  socket?: boolean;
  /** Where the daemon's log lines go (default `inherit`: this program's stderr). */
  stderr?: 'inherit' | 'ignore' | 'pipe';
  /** The daemon bundle to run (default: `daemon.js` of this package). */
  daemonScript?: string;
}

export interface AttachOptions extends ClientOptions {
  /** The socket to attach to; or give `dbPath` and the socket of that database is used. */
  socketPath?: string;
  dbPath?: string;
  /** How long to wait for the socket to answer (default 2000 ms). */
  timeoutMs?: number;
}

/** A connection to a daemon, initialized. */
export interface VmSystemClient {
  /** The underlying vscode-jsonrpc connection, for anything the helpers below do not cover. */
  readonly connection: MessageConnection;
  /** The daemon's answer to `initialize` (server version, capabilities). */
  readonly server: InitializeResult;
  /** `spawned` (a daemon of our own, ended by close) or `attached` (someone else's, left running). */
  readonly via: 'spawned' | 'attached';
  /** A typed request of the contract; rejects with the daemon's error (`error.data.code`) or when the connection is lost. */
  request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>, token?: CancellationToken): Promise<ResultOf<D>>;
  /** Every `executions/event` the daemon pushes while executions run. */
  onEvent(listener: (params: ExecutionEventParams) => void): Disposable;
  /** Resolves when the connection ends (close, or the daemon went away). */
  readonly closed: Promise<void>;
  /** Ends the connection: a spawned daemon is shut down (`shutdown` + `exit`, nothing acknowledged lost); an attached one keeps running. */
  close(): Promise<void>;
}

/** Thrown by request() when the connection ended before the answer. */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
}

/** Starts a daemon on stdio for `dbPath` and initializes it. */
export async function spawnDaemon(options: SpawnOptions = {}): Promise<VmSystemClient> {
  const args = [options.daemonScript ?? defaultDaemonScript(), 'serve', '--stdio'];
  if (options.socket) args.push('--socket');
  if (options.dbPath) args.push('--db', options.dbPath);
  const child = spawn(options.node ?? process.execPath, args, { stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'] });
  // 'pipe': keep draining (a full pipe would block the daemon); the tail explains a failed start.
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => { stderrTail = (stderrTail + d.toString()).slice(-4096); });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', () => resolve(1));
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new TolerantWriter(child.stdin!));
  const stop = async () => {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    connection.dispose();
  };
  try {
    return await start(connection, 'spawned', exited.then(() => undefined), stop, options);
  } catch (error) {
    child.kill('SIGKILL');
    connection.dispose();
    throw new DaemonStartError(`the daemon did not start: ${(error as Error).message}`, stderrTail);
  }
}

/** spawnDaemon's failure; `stderr` holds the end of the daemon's log when it was piped. */
export class DaemonStartError extends Error {
  override readonly name = 'DaemonStartError';
  constructor(message: string, readonly stderr: string) { super(message); }
}

/** Attaches to the daemon on `socketPath` (or the socket of `dbPath`); undefined when nothing answers there. */
export async function attachDaemon(options: AttachOptions): Promise<VmSystemClient | undefined> {
  const socketPath = options.socketPath
    ?? (options.dbPath ? daemonSocketPath(path.resolve(options.dbPath), process.env, os.tmpdir(), process.getuid?.() ?? 0, process.platform) : undefined);
  if (!socketPath) throw new TypeError('attachDaemon needs socketPath or dbPath');
  const socket = await connectSocket(socketPath, options.timeoutMs ?? 2000);
  return socket ? attachToSocket(socket, options) : undefined;
}

/** Initializes a client over a socket (or any duplex stream) already connected to a daemon. */
export async function attachToSocket(socket: net.Socket | Duplex, options: ClientOptions = {}): Promise<VmSystemClient> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const connection = createMessageConnection(new StreamMessageReader(socket), new TolerantWriter(socket));
  const stop = async () => {
    connection.dispose();
    socket.end();
    socket.destroy();
  };
  try {
    return await start(connection, 'attached', closed, stop, options);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function start(connection: MessageConnection, via: VmSystemClient['via'], closed: Promise<void>, stop: () => Promise<void>, options: ClientOptions): Promise<VmSystemClient> {
  connection.onError(() => undefined);
  if (options.onPrompt) {
    const answer = options.onPrompt;
    connection.onRequest(ExecutionsPrompt.type, async (params) => ({ value: await answer(params) }));
  }
  connection.listen();
  let closing = false;
  const lost = closed.then(() => { throw new ConnectionLostError('the daemon closed the connection'); });
  lost.catch(() => undefined);
  const request = <D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>, token?: CancellationToken): Promise<ResultOf<D>> => {
    const sent = connection.sendRequest(def.type, params as never, token) as Promise<ResultOf<D>>;
    return closing ? sent : Promise.race([sent, lost]);
  };
  const init: Omit<InitializeParams, 'clientInfo'> = options.initialize ?? {};
  const declared = init.capabilities?.vmSystem;
  const vmSystem = { ...declared, ...(options.onPrompt ? { prompt: true } : {}) };
  const server = await request(Initialize, {
    processId: process.pid,
    ...init,
    clientInfo: options.clientInfo ?? { name: 'vm-system-client' },
    capabilities: { ...(init.capabilities ?? {}), vmSystem },
  });
  await connection.sendNotification('initialized', {});
  return {
    connection, server, via, closed, request,
    onEvent: (listener) => connection.onNotification(ExecutionEventNotification.type, listener),
    async close() {
      closing = true;
      await stop();
    },
  };
}

/** `daemon.js` beside this module: dist/ in the package (the client is bundled there), or dist/ of the checkout from sources. */
function defaultDaemonScript(): string {
  const beside = path.join(__dirname, 'daemon.js');
  return path.basename(__dirname) === 'dist' ? beside : path.resolve(__dirname, '../dist/daemon.js');
}
