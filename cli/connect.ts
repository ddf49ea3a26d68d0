/**
 * How a command reaches a daemon: the shared one serving its database (over
 * the socket, started in the background when none runs), or — for `vm-system
 * run` when none runs — a private one on stdio that ends with the command.
 */
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc/node';
import type * as z from 'zod';
import type { Initialize, ParamsOf, RequestDef, ResultOf } from '../server/protocol';
import { ConnectionLostError, attachToSocket, spawnDaemon, type VmSystemClient } from '../client';
import { attachDaemon } from './daemon/background';
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

type InitParams = Omit<ParamsOf<typeof Initialize>, 'clientInfo'>;

const CLIENT_INFO = { name: 'vm-system-cli', version };

/** The shared daemon of `dbPath`; started in the background unless `start` is false (then undefined when none runs). */
export async function connectShared(dbPath: string, options: { start?: boolean; init?: InitParams } = {}): Promise<DaemonClient | undefined> {
  const socket = await attachDaemon(dbPath, { start: options.start ?? true });
  if (!socket) return undefined;
  try {
    return cliClient(await attachToSocket(socket, { clientInfo: CLIENT_INFO, initialize: options.init }));
  } catch (error) {
    if (error instanceof CliExit) throw error;
    throw new CliExit(EXIT.UNREACHABLE, `vm-system: the daemon on ${socketPathOf(dbPath)} refused initialize: ${(error as Error).message}`);
  }
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
  try {
    return cliClient(await spawnDaemon({ dbPath, daemonScript: daemonScript(), stderr: 'pipe', clientInfo: CLIENT_INFO, initialize: init }));
  } catch (error) {
    // Lost a race with a daemon that took the database meanwhile: attach to it.
    const late = await connectShared(dbPath, { start: false, init });
    if (late) return late;
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new CliExit(EXIT.UNREACHABLE, `vm-system: could not start a daemon for ${dbPath}\n${stderr.trim()}`);
  }
}

/** The client's connection lost becomes the CLI's exit code 3. */
function cliClient(client: VmSystemClient): DaemonClient {
  return {
    connection: client.connection,
    via: client.via === 'spawned' ? 'private' : 'socket',
    closed: client.closed,
    close: () => client.close(),
    call: (def, params, token) => client.request(def, params, token).catch((error: unknown) => {
      if (error instanceof ConnectionLostError) throw new CliExit(EXIT.UNREACHABLE, 'vm-system: the daemon closed the connection');
      throw error;
    }),
  };
}
