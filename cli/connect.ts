/**
 * How a command reaches a daemon: the shared one serving its database (over
 * the socket, started in the background when none runs), or — for `vm-system
 * run` when none runs — a private one on stdio that ends with the command.
 */
import { spawn } from 'node:child_process';
import type net from 'node:net';
import {
  createMessageConnection, StreamMessageReader,
  type CancellationToken, type MessageConnection,
} from 'vscode-jsonrpc/node';
import type * as z from 'zod';
import { Initialize, type ParamsOf, type RequestDef, type ResultOf } from '../server/protocol';
import { attachDaemon } from './daemon/background';
import { TolerantWriter } from './daemon/tolerant-writer';
import { daemonScript, socketPathOf } from './daemon/paths';
import { CliExit, EXIT } from './exit-codes';
import { version } from '../package.json';

export interface DaemonClient {
  connection: MessageConnection;
  /** How it was reached: a daemon of our own on stdio, or a shared one on its socket. */
  via: 'private' | 'socket';
  /** Typed request; a connection lost meanwhile ends the command with exit code 3. */
  call<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>, token?: CancellationToken): Promise<ResultOf<D>>;
  /** Resolves when the daemon connection ends. */
  closed: Promise<void>;
  close(): Promise<void>;
}

type InitParams = ParamsOf<typeof Initialize>;

const clientInit = (init: InitParams): InitParams => ({
  processId: process.pid, clientInfo: { name: 'vm-system-cli', version }, ...init,
});

/** The shared daemon of `dbPath`; started in the background unless `start` is false (then undefined when none runs). */
export async function connectShared(dbPath: string, options: { start?: boolean; init?: InitParams } = {}): Promise<DaemonClient | undefined> {
  const socket = await attachDaemon(dbPath, { start: options.start ?? true });
  if (!socket) return undefined;
  return clientOnSocket(socket, dbPath, options.init ?? {});
}

/** Like connectShared, but a daemon must be reached: exit code 3 otherwise. */
export async function requireShared(dbPath: string, init: InitParams = {}): Promise<DaemonClient> {
  const client = await connectShared(dbPath, { start: true, init });
  if (!client) throw new CliExit(EXIT.UNREACHABLE, `vm-system: no daemon serves ${dbPath}`);
  return client;
}

/** The shared daemon when one serves `dbPath`, else a private daemon over stdio that ends with this command. */
export async function connectForRun(dbPath: string, init: InitParams = {}): Promise<DaemonClient> {
  const shared = await connectShared(dbPath, { start: false, init });
  if (shared) return shared;
  const child = spawn(process.execPath, [daemonScript(), 'serve', '--stdio', '--db', dbPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new TolerantWriter(child.stdin));
  const client = wrap(connection, 'private', exited.then(() => undefined), async () => {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    connection.dispose();
  });
  const ready = client.call(Initialize, clientInit(init));
  const first = await Promise.race([ready.then(() => 'ok' as const, () => 'failed' as const), exited.then(() => 'exited' as const)]);
  if (first !== 'ok') {
    connection.dispose();
    child.kill('SIGKILL');
    // Lost a race with a daemon that took the database meanwhile: attach to it.
    const late = await connectShared(dbPath, { start: false, init });
    if (late) return late;
    throw new CliExit(EXIT.UNREACHABLE, `vm-system: could not start a daemon for ${dbPath}\n${stderr.trim()}`);
  }
  return client;
}

async function clientOnSocket(socket: net.Socket, dbPath: string, init: InitParams): Promise<DaemonClient> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const connection = createMessageConnection(new StreamMessageReader(socket), new TolerantWriter(socket));
  const client = wrap(connection, 'socket', closed, async () => {
    connection.dispose();
    socket.end();
    socket.destroy();
  });
  try {
    await client.call(Initialize, clientInit(init));
  } catch (error) {
    await client.close();
    if (error instanceof CliExit) throw error;
    throw new CliExit(EXIT.UNREACHABLE, `vm-system: the daemon on ${socketPathOf(dbPath)} refused initialize: ${(error as Error).message}`);
  }
  return client;
}

function wrap(connection: MessageConnection, via: DaemonClient['via'], closed: Promise<void>, close: () => Promise<void>): DaemonClient {
  connection.onError(() => undefined);
  connection.listen();
  let closing = false;
  const lost = closed.then(() => {
    throw new CliExit(EXIT.UNREACHABLE, 'vm-system: the daemon closed the connection');
  });
  lost.catch(() => undefined);
  return {
    connection,
    via,
    closed,
    call: (def, params, token) => {
      const request = connection.sendRequest(def.type, params as never, token) as Promise<never>;
      return closing ? request : Promise.race([request, lost]);
    },
    async close() {
      closing = true;
      await close();
    },
  };
}
