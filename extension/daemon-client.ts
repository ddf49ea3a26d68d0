/**
 * The connection to the vm-system daemon: a vscode-languageclient client whose
 * server is `node dist/daemon.js serve --stdio --socket [--db PATH]`,
 * a process of its own (isolated-vm never loads in the extension host).
 * Started lazily on first use; restarted when it dies (at most 5 times in
 * 3 minutes), after which `onDidRestart` lets the session manager offer
 * `sessions/restart {replay: true}`. One daemon owns one database: when one
 * already serves ours (the CLI's background daemon, another window), we
 * attach to its socket instead of starting a second one.
 *
 * Why vscode-languageclient and not bare vscode-jsonrpc: it brings process
 * supervision (restart policy), the `vmSystem.trace.server` message trace,
 * stderr → output channel, `$/cancelRequest` from CancellationTokens and a
 * clean shutdown/exit on deactivate — all of which we would otherwise rewrite.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClient, RevealOutputChannelOn, State,
  type ClientCapabilities, type FeatureState, type StaticFeature, type StreamInfo,
} from 'vscode-languageclient/node';
import type { NotificationType, RequestType } from 'vscode-jsonrpc';
import { defaultDbPath, privateRunDir, socketPathFor, type ErrorData } from '../server/protocol';
import { readConfig } from './config';
import { daemonArgs } from './node-version';
import { findNode } from './node-runtime';

const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** Declares `capabilities.vmSystem.prompt` so that `prompt()` in session code asks us. */
class VmSystemCapabilities implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    (capabilities as ClientCapabilities & { vmSystem?: object }).vmSystem = { prompt: true };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

type Registration = (client: LanguageClient) => vscode.Disposable;

/** The database the daemon serves: `vmSystem.dbPath`, else `$VM_SYSTEM_DB`, else the per-user default. */
function effectiveDbPath(): string {
  return path.resolve(readConfig().dbPath ?? defaultDbPath(process.env, os.homedir()));
}

export class DaemonClient implements vscode.Disposable {
  private client?: LanguageClient;
  private starting?: Promise<LanguageClient | undefined>;
  private child?: ChildProcess;
  /** Socket of a daemon we attached to (not ours: never sent `shutdown`). */
  private attached?: net.Socket;
  private stderrTail = '';
  private restarts: number[] = [];
  private hasRun = false;
  /** Reached Running since the last start(): a daemon that dies while starting is not restarted in a loop. */
  private cameUp = false;
  private stopping = false;
  /** What the running daemon was started with: a settings change that leaves both as they are needs no restart. */
  private startedWith?: { dbPath: string; nodePath?: string };
  private readonly registrations: Registration[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly didRestart = new vscode.EventEmitter<void>();
  private readonly didLose = new vscode.EventEmitter<void>();
  private readonly didChangeRunning = new vscode.EventEmitter<boolean>();
  /** The daemon came back after it died; sessions of the old one are closed. */
  readonly onDidRestart = this.didRestart.event;
  /** The daemon died (a restart may follow). */
  readonly onDidLose = this.didLose.event;
  readonly onDidChangeRunning = this.didChangeRunning.event;
  readonly log: vscode.OutputChannel;

  constructor(private readonly extensionPath: string) {
    this.log = vscode.window.createOutputChannel('VM System Daemon');
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Would the daemon start with another database or `vmSystem.nodePath` now? Waits for a start in progress first. */
  async settingsChanged(): Promise<boolean> {
    await this.starting;
    if (!this.startedWith) return false;
    return effectiveDbPath() !== this.startedWith.dbPath || readConfig().nodePath !== this.startedWith.nodePath;
  }

  /** Pid of the daemon we started; undefined when attached to a shared one. */
  get pid(): number | undefined {
    return this.attached ? undefined : this.child?.pid;
  }

  /** Starts the daemon if needed; false when it cannot run (the user was told why). */
  async start(): Promise<boolean> {
    if (this.client?.state === State.Running) return true;
    this.starting ??= this.doStart().finally(() => { this.starting = undefined; });
    return (await this.starting) !== undefined;
  }

  // The contract's typed requests go through as they are: the client and the contract share the one
  // vscode-jsonrpc of the tree (package.json `overrides`), so its parameter-structure identity holds.

  async request<P, R>(type: RequestType<P, R, ErrorData>, params: P, token?: vscode.CancellationToken): Promise<R> {
    if (!(await this.start()) || !this.client) throw new DaemonUnavailableError();
    return token ? this.client.sendRequest(type, params, token) : this.client.sendRequest(type, params);
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void {
    this.register((c) => c.onNotification(type, handler));
  }

  onRequest<P, R>(type: RequestType<P, R, ErrorData>, handler: (params: P, token: vscode.CancellationToken) => Promise<R>): void {
    this.register((c) => c.onRequest(type, handler));
  }

  /** Stops the daemon (shutdown + exit); the next request starts a new one. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopping = true;
    try {
      // `shutdown` would close a shared daemon's sessions for every client: just leave.
      this.attached?.destroy();
      if (client.state !== State.Stopped) await client.stop(5000);
    } catch (err) {
      this.log.appendLine(`stopping the daemon failed: ${String(err)}`);
    } finally {
      this.stopping = false;
      this.hasRun = false;
      this.didChangeRunning.fire(false);
    }
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
    this.didRestart.dispose();
    this.didLose.dispose();
    this.didChangeRunning.dispose();
  }

  private register(r: Registration): void {
    this.registrations.push(r);
    if (this.client) this.disposables.push(r(this.client));
  }

  private async doStart(): Promise<LanguageClient | undefined> {
    const node = await findNode(readConfig().nodePath, this.extensionPath);
    if (!node) return undefined;
    this.restarts = [];
    this.cameUp = false;
    const client = this.client ?? this.createClient();
    this.nodePath = node.path;
    try {
      await client.start();
      return client;
    } catch (err) {
      const tail = this.stderrTail.trim().split('\n').slice(-3).join(' ');
      void vscode.window.showErrorMessage(`VM System: the daemon did not start${tail ? `: ${tail}` : ` (${String(err)})`}`, 'Show Log')
        .then((c) => (c === 'Show Log' ? this.log.show() : undefined));
      return undefined;
    }
  }

  private nodePath = 'node';

  private createClient(): LanguageClient {
    const cli = path.join(this.extensionPath, 'dist', 'daemon.js');
    const serverOptions = async (): Promise<ChildProcess | StreamInfo> => {
      const dbPath = effectiveDbPath();
      this.startedWith = { dbPath, nodePath: readConfig().nodePath };
      const socketPath = socketPathFor(dbPath, privateRunDir(process.env, os.tmpdir(), process.getuid?.() ?? 0));
      const shared = await connectSocket(socketPath);
      this.attached = shared;
      if (shared) {
        this.log.appendLine(`[vm-system] attached to the daemon serving ${dbPath} at ${socketPath}`);
        return { reader: shared, writer: shared };
      }
      const env = { ...process.env };
      delete env.ELECTRON_RUN_AS_NODE;
      const args = daemonArgs(cli, dbPath);
      this.log.appendLine(`[vm-system] starting ${this.nodePath} ${args.join(' ')}`);
      const child = spawn(this.nodePath, args, { env, stdio: 'pipe', windowsHide: true });
      this.child = child;
      this.stderrTail = '';
      child.stderr?.on('data', (d: Buffer) => { this.stderrTail = (this.stderrTail + d.toString()).slice(-2000); });
      child.on('exit', (code, signal) => this.log.appendLine(`[vm-system] daemon pid ${child.pid} exited (${signal ?? `code ${code}`})`));
      return child;
    };
    const client = new LanguageClient('vmSystem', 'VM System Daemon', serverOptions, {
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationFailedHandler: () => false,
      errorHandler: {
        error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
        closed: () => {
          this.attached = undefined;
          if (this.stopping || !this.cameUp) return { action: CloseAction.DoNotRestart, handled: true };
          this.didLose.fire();
          const now = Date.now();
          this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
          if (this.restarts.length >= MAX_RESTARTS) {
            return { action: CloseAction.DoNotRestart, message: `VM System: the daemon stopped ${MAX_RESTARTS + 1} times in 3 minutes and is not restarted; see the "VM System Daemon" output. The next run starts it again.` };
          }
          this.restarts.push(now);
          return { action: CloseAction.Restart, handled: true };
        },
      },
    });
    client.registerFeature(new VmSystemCapabilities());
    this.disposables.push(client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.cameUp = true;
        if (this.hasRun) this.didRestart.fire();
        this.hasRun = true;
      }
      this.didChangeRunning.fire(e.newState === State.Running);
    }));
    for (const r of this.registrations) this.disposables.push(r(client));
    this.client = client;
    return client;
  }
}

/** A connected socket, or undefined when nothing listens there or the socket is not this user's own (docs/security.md). */
function connectSocket(socketPath: string): Promise<net.Socket | undefined> {
  try {
    const st = fs.lstatSync(socketPath);
    if (!st.isSocket() || st.uid !== (process.getuid?.() ?? st.uid)) return Promise.resolve(undefined);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const timer = setTimeout(() => { socket.destroy(); resolve(undefined); }, 2000);
    socket.once('connect', () => { clearTimeout(timer); resolve(socket); });
    socket.once('error', () => { clearTimeout(timer); resolve(undefined); });
  });
}

/** The daemon could not be started; the user has already been told why. */
export class DaemonUnavailableError extends Error {
  readonly reported = true;
  constructor() {
    super('the VM System daemon is not running');
  }
}
