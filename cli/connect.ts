/**
 * How a command reaches a daemon: the shared one serving its database (over
 * the socket, started in the background when none runs; in-process when the
 * daemon itself runs the command for the native launcher).
 */
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc/node';
import type * as z from 'zod';
import type { Initialize, ParamsOf, RequestDef, ResultOf } from '../server/protocol';
import { ConnectionLostError, attachToSocket, type VmSystemClient } from '../client';
import { attachDaemon } from './daemon/background';
import { socketPathOf } from './daemon/paths';
import { CliExit, EXIT } from './exit-codes';
import { RunLocally } from './run-locally';
import { processTerminal, type Terminal } from './terminal';
import { version } from '../package.json';

export interface DaemonClient {
  connection: MessageConnection;
  /** Typed request; a connection lost meanwhile ends the command with exit code 3. */
  call<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>, token?: CancellationToken): Promise<ResultOf<D>>;
  /** Resolves when the daemon connection ends. */
  closed: Promise<void>;
  close(): Promise<void>;
}

type InitParams = Omit<ParamsOf<typeof Initialize>, 'clientInfo'>;

const CLIENT_INFO = { name: 'vm-system-cli', version };

/** The shared daemon of `dbPath`; started in the background unless `start` is false (then undefined when none runs). */
export async function connectShared(dbPath: string, options: { start?: boolean; init?: InitParams; term?: Terminal } = {}): Promise<DaemonClient | undefined> {
  const socket = await attachDaemon(dbPath, { start: options.start ?? true, term: options.term });
  if (!socket) return undefined;
  try {
    return cliClient(await attachToSocket(socket, { clientInfo: CLIENT_INFO, initialize: options.init }));
  } catch (error) {
    if (error instanceof CliExit || error instanceof RunLocally) throw error;
    throw new CliExit(EXIT.UNREACHABLE, `vm-system: the daemon on ${socketPathOf(dbPath)} refused initialize: ${(error as Error).message}`);
  }
}

/** Like connectShared, but a daemon must be reached: exit code 3 otherwise. */
export async function requireShared(dbPath: string, term: Terminal = processTerminal, init: InitParams = {}): Promise<DaemonClient> {
  const client = await connectShared(dbPath, { start: true, init, term });
  if (!client) throw new CliExit(EXIT.UNREACHABLE, `vm-system: no daemon serves ${dbPath}`);
  return client;
}

/** The client's connection lost becomes the CLI's exit code 3. */
function cliClient(client: VmSystemClient): DaemonClient {
  return {
    connection: client.connection,
    closed: client.closed,
    close: () => client.close(),
    call: (def, params, token) => client.request(def, params, token).catch((error: unknown) => {
      if (error instanceof ConnectionLostError) throw new CliExit(EXIT.UNREACHABLE, 'vm-system: the daemon closed the connection');
      throw error;
    }),
  };
}
