/**
 * The shared background daemon of a database: found by its socket, started
 * detached when none answers (`serve --socket --idle-timeout`), its stdout and
 * stderr appended to a log file beside the database.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { CliExit, EXIT } from '../exit-codes';
import { processTerminal, type Terminal } from '../terminal';
import { RunLocally } from '../run-locally';
import { daemonScript, daemonLogPathOf, idleTimeoutMs, socketPathOf } from './paths';
import { connectSocket } from '../../client/socket';

const START_TIMEOUT_MS = 20000;
// A connect to a socket not there yet costs microseconds; the start it waits for, ~100 ms and more.
const POLL_MS = 5;

/**
 * A socket connected to the daemon serving `dbPath`, starting one in the background when `start` is set.
 * A command the daemon runs (cli/remote.ts) gets an in-process connection to that daemon instead;
 * another database is not its to serve: the native client then runs the command with node.
 */
export async function attachDaemon(dbPath: string, options: { start: boolean; term?: Terminal }): Promise<Duplex | undefined> {
  const local = (options.term ?? processTerminal).inDaemon;
  if (local) {
    if (local.dbPath !== dbPath) throw new RunLocally(`the command's database ${dbPath} is not this daemon's`);
    return local.connect();
  }
  const socketPath = socketPathOf(dbPath);
  const existing = await connectSocket(socketPath);
  if (existing || !options.start) return existing;
  return startBackground(dbPath, socketPath);
}

async function startBackground(dbPath: string, socketPath: string): Promise<net.Socket> {
  mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  const logPath = daemonLogPathOf(dbPath);
  const logFd = openSync(logPath, 'a', 0o600);
  const logStart = statSync(logPath).size;
  const child = spawn(process.execPath, [
    daemonScript(), 'serve', '--socket', '--db', dbPath, '--idle-timeout', String(idleTimeoutMs()),
  ], { detached: true, stdio: ['ignore', logFd, logFd], cwd: path.dirname(dbPath) });
  closeSync(logFd);
  let exited = false;
  child.once('exit', () => { exited = true; });
  child.once('error', () => { exited = true; });
  child.unref();

  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitSeenAt: number | undefined;
  for (;;) {
    const socket = await connectSocket(socketPath);
    if (socket) return socket;
    if (exited) {
      // Lost a race with another daemon taking the database: its socket may
      // still be coming up. A holder without a socket (a private daemon of
      // `vm-system run`) never gets one.
      const message = readFrom(logPath, logStart);
      exitSeenAt ??= Date.now();
      const heldWithoutSocket = /held by a live daemon \(pid \d+\)/.test(message);
      if (heldWithoutSocket || !/held by a live daemon/.test(message) || Date.now() - exitSeenAt > 5000) {
        throw new CliExit(EXIT.UNREACHABLE, `vm-system: could not start a daemon for ${dbPath}${message ? `\n${message.trim()}` : ''}\n(log: ${logPath})`);
      }
    }
    if (Date.now() > deadline) {
      throw new CliExit(EXIT.UNREACHABLE, `vm-system: the daemon for ${dbPath} did not answer on ${socketPath} within ${START_TIMEOUT_MS / 1000} s (log: ${logPath})`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** What the log got since `offset` (last 4 KiB at most). */
function readFrom(file: string, offset: number): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(offset, size - 4096);
    const buffer = Buffer.alloc(size - start);
    const fd = openSync(file, 'r');
    try { readSync(fd, buffer, 0, buffer.length, start); } finally { closeSync(fd); }
    return buffer.toString('utf8');
  } catch {
    return '';
  }
}
