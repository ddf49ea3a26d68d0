/**
 * A client connection to this daemon without a socket: the client's end is a
 * Duplex, the daemon's end a pair of pipes served like any connection. Used by
 * the commands the daemon runs for the native launcher (cli/run). The client
 * ending or destroying its end is the daemon's end of input, quietly: the
 * connection closes as a socket client's does when it hangs up.
 */
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';

export function inProcessPair(): { client: Duplex; daemon: { input: Readable; output: Writable } } {
  const toDaemon = new PassThrough();
  const fromDaemon = new PassThrough();
  const client = new Duplex({
    read() { /* pushed as the daemon writes */ },
    write(chunk: Buffer, _encoding, done) { toDaemon.write(chunk, done); },
    final(done) { toDaemon.end(); done(); },
    destroy(error, done) { toDaemon.end(); done(error); },
  });
  fromDaemon.on('data', (chunk: Buffer) => { if (!client.destroyed) client.push(chunk); });
  // The client's 'data' listeners run in the daemon's process (from push(), or later from the
  // stream's own ticks): one that throws loses its connection, as a socket client would, instead
  // of reaching the daemon as an uncaught exception.
  const emit = client.emit.bind(client);
  client.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'data') return emit(event, ...args);
    try {
      return emit(event, ...args);
    } catch (error) {
      process.nextTick(() => client.destroy(error as Error));
      return true;
    }
  }) as typeof client.emit;
  fromDaemon.on('end', () => { if (!client.destroyed) client.push(null); });
  return { client, daemon: { input: toDaemon, output: fromDaemon } };
}
