import { StreamMessageWriter, type Message } from 'vscode-jsonrpc/node.js';

/**
 * A StreamMessageWriter whose failed writes (EPIPE: the daemon died) do not
 * reject. vscode-jsonrpc's sendRequest rethrows a failed write from inside a
 * promise executor, where nobody can catch it: an unhandled rejection, which
 * ends a Node process. The request itself is not lost: it fails when the
 * connection is closed or disposed, which is how a dead daemon is noticed.
 */
export class TolerantWriter extends StreamMessageWriter {
  override async write(msg: Message): Promise<void> {
    try {
      await super.write(msg);
    } catch {
      // see above
    }
  }
}
