/** Connects to a Unix socket (a named pipe on Windows); no dependencies, so the CLI's fast path can use it. */
import net from 'node:net';

/** Undefined when nothing answers there (missing or stale socket file). */
export function connectSocket(socketPath: string, timeoutMs = 2000): Promise<net.Socket | undefined> {
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
