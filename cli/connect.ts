import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { defaultDbPath, socketPathFor, Initialize, type ParamsOf } from '../server/protocol';
import { CliExit, EXIT } from './exit-codes';

export interface DaemonClient {
  connection: MessageConnection;
  /** How it was reached: a daemon of our own on stdio, or a shared one on its socket. */
  via: 'private' | 'socket';
  close(): Promise<void>;
}

export function resolveDbPath(flag?: string): string {
  return path.resolve(flag ?? defaultDbPath(process.env, os.homedir()));
}

/** The daemon bundle is this file's bundle (dist/cli.js). */
export function cliScript(): string {
  return path.join(__dirname, 'cli.js');
}

export function connectSocket(socketPath: string, timeoutMs = 2000): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const timer = setTimeout(() => { socket.destroy(); resolve(undefined); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); resolve(socket); });
    socket.once('error', () => { clearTimeout(timer); resolve(undefined); });
  });
}

/**
 * Attaches to the daemon serving `dbPath` when there is one, else starts a
 * private daemon over stdio that ends with this command.
 */
export async function connectDaemon(dbPath: string, init: ParamsOf<typeof Initialize> = {}): Promise<DaemonClient> {
  const shared = await attachShared(dbPath, init);
  if (shared) return shared;
  const child = spawn(process.execPath, ['--no-node-snapshot', cliScript(), 'serve', '--stdio', '--db', dbPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  const ready = connection.sendRequest(Initialize.type, { processId: process.pid, clientInfo: { name: 'vm-system-cli' }, ...init });
  const first = await Promise.race([ready.then(() => 'ok' as const, () => 'failed' as const), exited.then(() => 'exited' as const)]);
  if (first !== 'ok') {
    connection.dispose();
    // Lost a race with another daemon taking the database: attach to it.
    const late = await attachShared(dbPath, init);
    if (late) return late;
    throw new CliExit(EXIT.UNREACHABLE, `vm-system: could not start a daemon for ${dbPath}\n${stderr.trim()}`);
  }
  return {
    connection,
    via: 'private',
    async close() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
    },
  };
}

async function attachShared(dbPath: string, init: ParamsOf<typeof Initialize>): Promise<DaemonClient | undefined> {
  const socket = await connectSocket(socketPathFor(dbPath, os.tmpdir()));
  if (!socket) return undefined;
  const connection = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  connection.listen();
  await connection.sendRequest(Initialize.type, { processId: process.pid, clientInfo: { name: 'vm-system-cli' }, ...init });
  return {
    connection,
    via: 'socket',
    async close() {
      connection.dispose();
      socket.end();
    },
  };
}
