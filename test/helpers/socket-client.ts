import net from 'node:net';
import { createMessageConnection, StreamMessageReader } from 'vscode-jsonrpc/node';
import { TolerantWriter } from '../../client/tolerant-writer';
import type * as z from 'zod';
import { Initialize, type ParamsOf, type RequestDef, type ResultOf } from '../../server/protocol';

/** A typed client on a daemon's Unix socket, initialized. */
export async function connectSocketClient(socketPath: string) {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(socketPath, () => resolve(s));
    s.once('error', reject);
  });
  const connection = createMessageConnection(new StreamMessageReader(socket), new TolerantWriter(socket));
  connection.listen();
  await connection.sendRequest(Initialize.type, { clientInfo: { name: 'socket-test' } });
  return {
    connection,
    call<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>> {
      return connection.sendRequest(def.type, params as never) as never;
    },
    close(): void {
      connection.dispose();
      socket.end();
    },
  };
}
