/** Connects to a Unix socket (a named pipe on Windows); no dependencies, so the CLI's fast path can use it. */
import { lstatSync } from 'node:fs';
import net from 'node:net';

/** A socket file that is not this user's own, or not a socket: never talked to. */
export class ForeignSocketError extends Error {
  override readonly name = 'ForeignSocketError';
}

/**
 * Undefined when nothing answers there (missing or stale socket file). A
 * socket file that is not this user's own is never talked to: another local
 * user could be listening there to read what we send (docs/security.md).
 */
export async function connectSocket(socketPath: string, timeoutMs = 2000): Promise<net.Socket | undefined> {
  refuseForeignSocket(socketPath);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const timer = setTimeout(() => { socket.destroy(); resolve(undefined); }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => { clearTimeout(timer); socket.destroy(); resolve(undefined); });
  });
}

function refuseForeignSocket(socketPath: string): void {
  if (process.platform === 'win32') return; // a named pipe: no file to own
  let st;
  try {
    st = lstatSync(socketPath);
  } catch {
    return; // missing: nothing listens there
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new ForeignSocketError(`refusing ${socketPath}: it belongs to user ${st.uid}, not to you (${uid}); another user may be listening there. Remove it or use another --db.`);
  }
  if (!st.isSocket()) throw new ForeignSocketError(`refusing ${socketPath}: it is not a socket`);
}
