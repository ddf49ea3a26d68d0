/**
 * The daemon process: owns one database (lock), composes the core with its
 * adapters, serves the stdio client and/or socket clients, and shuts down
 * cleanly on shutdown, end of input or a signal.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { createCore, type Core } from './core/create-core';
import { FileWatcher } from './files/file-watcher';
import { WorktreeFiles } from './files/worktree-files';
import { GitHead } from './git/head';
import { LibraryCache } from './libraries/library-cache';
import { MODULE_CATALOG } from './modules/catalog';
import { daemonSocketPath, privateRunDir, type Retention } from './protocol';
import { createRuntime, engineWarning } from './runtime';
import { acquireDatabaseLock, openStore } from './store';
import { cliRunRoute, loadCliProgram } from './transport/cli-run';
import { serveClient, type ConnectionHost } from './transport/client-connection';
import { inProcessPair } from './transport/in-process';
import { listenPrivately, UnsafeSocketPathError } from './transport/socket-file';
import { createRoutes } from './transport/routes';
import { version } from '../package.json';

export interface DaemonOptions {
  dbPath: string;
  stdio: boolean;
  /** Serve this socket; `true` = the path derived from the database. */
  socket?: string | true;
  /** Exit after this long with no clients and no live sessions (background daemons). */
  idleTimeoutMs?: number;
  /** History retention (DEFAULT_RETENTION when absent). */
  retention?: Retention;
}

const log = (line: string): void => { process.stderr.write(`[vm-system ${new Date().toISOString()}] ${line}\n`); };

export async function runDaemon(options: DaemonOptions): Promise<void> {
  const dbPath = path.resolve(options.dbPath);
  mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  const runDir = privateRunDir(process.env, os.tmpdir(), process.getuid?.() ?? 0);
  const socketPath = options.socket === true ? daemonSocketPath(dbPath, process.env, os.tmpdir(), process.getuid?.() ?? 0, process.platform) : options.socket;
  const lock = acquireDatabaseLock(dbPath, { pid: process.pid, socketPath });
  if (!lock.ok) {
    const where = lock.holder.socketPath ? `, socket ${lock.holder.socketPath}` : '';
    process.stderr.write(`vm-system: database ${dbPath} is held by a live daemon (pid ${lock.holder.pid}${where}); attach to it instead\n`);
    process.exit(1);
  }
  let server: net.Server | undefined;
  let ownSocket = false;
  let stopping: Promise<void> | undefined;
  const clients = new Set<unknown>();
  const routes: ConnectionHost['routes'] = new Map();
  let core: Core | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const host: ConnectionHost = {
    routes,
    ready,
    closeSession: async (sessionId) => { await ready; return core!.sessions.close(sessionId, 'the client that created it disconnected'); },
    version,
    log,
    shutdown: () => (stopping ??= (async () => {
      await ready;
      server?.close();
      await core!.shutdown();
      if (socketPath && ownSocket) rmSync(socketPath, { force: true });
      lock.release();
    })()),
    exit: (code) => process.exit(code),
  };

  // The stdio client is served before the store opens: `initialize` needs none of it
  // (cold start → initialize answered is then Node's start and this bundle's load);
  // every other request waits for `ready`.
  if (options.stdio) serveClient(process.stdin, process.stdout, host, true);
  // Runtime hosts boot (node + isolated-vm, ~100 ms) while the socket is set up and the store opens: the first session needs both.
  const runtime = createRuntime({ log, bundleCacheDir: path.join(path.dirname(dbPath), 'bundles') });
  // The socket too, before the store opens: a command that started this daemon connects and
  // initializes meanwhile (its requests wait for `ready`, like stdio's).
  if (socketPath) {
    server = net.createServer((socket) => {
      clients.add(socket);
      socket.on('close', () => clients.delete(socket));
      socket.on('error', () => socket.destroy());
      serveClient(socket, socket, host, false);
    });
    try {
      // We hold the lock: a socket file there is stale (and removed if it is ours).
      await listenPrivately(server, socketPath, path.dirname(socketPath) === runDir ? runDir : undefined);
      ownSocket = true;
    } catch (error) {
      if (!(error instanceof UnsafeSocketPathError)) throw error;
      process.stderr.write(`vm-system: ${error.message}\n`);
      lock.release(); // the store is not open yet; runtime hosts leave with this process (their IPC channel closes)
      process.exit(1);
    }
    log(`serving socket ${socketPath}`);
  }
  let store;
  try {
    store = await openStore({ path: dbPath, log });
  } catch (error) {
    if (socketPath && ownSocket) rmSync(socketPath, { force: true });
    lock.release();
    process.stderr.write(`vm-system: cannot open database ${dbPath}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const startedAt = new Date();
  core = createCore({
    store, runtime, files: new WorktreeFiles(), git: new GitHead(), watcher: new FileWatcher(), libraries: new LibraryCache(path.join(path.dirname(dbPath), 'libraries')),
    clock: { now: () => new Date() }, ids: { newId: randomUUID },
    process: { pid: process.pid, version, startedAt, rssMb: () => process.memoryUsage.rss() / 1048576 },
    modules: MODULE_CATALOG,
    retention: options.retention,
    log,
  });
  await core.recover();
  for (const [method, route] of createRoutes(core)) routes.set(method, route);
  // A command the daemon runs for the native launcher (cli/run) is a client of this daemon like any other, over a pipe instead of a socket.
  const connectInProcess = (): Duplex => {
    const { client, daemon } = inProcessPair();
    serveClient(daemon.input, daemon.output, host, false);
    return client;
  };
  routes.set('cli/run', cliRunRoute(dbPath, connectInProcess));
  // Requests from now on are routed at once (no await on a settled promise per request).
  host.ready = undefined;
  markReady();

  if (socketPath) {
    // Compile the CLI program (~800 KB) for the native launcher's commands once the command that
    // started this daemon is likely served (it does not need it), so the next one does not wait for it.
    setTimeout(() => { try { loadCliProgram(); } catch { /* loaded again, and reported, by the first cli/run */ } }, 1000).unref();
  }
  log(`daemon ${version} pid ${process.pid} serving ${dbPath}`);
  const warning = engineWarning();
  if (warning) log(`warning: ${warning}`);

  if (options.idleTimeoutMs) watchIdle(options.idleTimeoutMs, () => clients.size === 0 && core!.liveSessionCount() === 0, host);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => { void host.shutdown().then(() => host.exit(0), () => host.exit(1)); });
  }
}

function watchIdle(idleMs: number, isIdle: () => boolean, host: ConnectionHost): void {
  let idleSince = Date.now();
  const timer = setInterval(() => {
    if (!isIdle()) { idleSince = Date.now(); return; }
    if (Date.now() - idleSince >= idleMs) {
      clearInterval(timer);
      host.log('idle: no clients and no live sessions; exiting');
      void host.shutdown().then(() => host.exit(0), () => host.exit(1));
    }
  }, Math.min(1000, idleMs));
  timer.unref();
}
