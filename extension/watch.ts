/**
 * Toggle Watch: a daemon watch (`watch/start`) on a file; every
 * `watch/didRun` refreshes diagnostics, inline results, the output channel and
 * the REPL panel through the ExecutionHub. Watches are re-created when their
 * session gets a fresh runtime (restart, restore after a daemon restart).
 */
import * as vscode from 'vscode';
import { WatchDidEnd, WatchDidRun, WatchList, WatchStart, WatchStop, type Event, type Execution } from '../server/protocol';
import { readConfig } from './config';
import type { DaemonClient } from './daemon-client';
import type { ExecutionHub, RunMeta } from './execution-hub';
import { lastNonBlankLine } from './format';
import type { Runner } from './runner';
import type { FolderSession, SessionManager } from './session-manager';
import type { StatusBar } from './status-bar';

interface Watch {
  watchId: string;
  session: FolderSession;
  sessionId: string;
  path: string;
}

type DidRun = { watchId: string; execution: Execution; events: Event[] };

export class WatchManager implements vscode.Disposable {
  private readonly watches = new Map<string, Watch>();
  /** didRun notifications that arrived before `watch/start` answered. */
  private readonly early = new Map<string, DidRun[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly daemon: DaemonClient,
    private readonly sessions: SessionManager,
    private readonly runner: Runner,
    private readonly hub: ExecutionHub,
    private readonly status: StatusBar,
  ) {
    daemon.onNotification(WatchDidRun.type, (n) => this.onDidRun(n));
    // The session went away under the watch (closed from the CLI, crashed): stop showing it as watched.
    daemon.onNotification(WatchDidEnd.type, (n) => { if (this.watches.delete(n.watchId)) this.publish(); });
    this.disposables.push(
      sessions.onDidRestore((s) => void this.recreate(s)),
      sessions.onDidForget((s) => this.drop((w) => w.session === s)),
      daemon.onDidLose(() => { /* kept: re-created if the session is restored */ }),
    );
  }

  /** Meta for a live execution of a watched session that nobody requested. */
  adopt(sessionId: string): RunMeta | undefined {
    const w = [...this.watches.values()].find((x) => x.sessionId === sessionId);
    return w && this.meta(w);
  }

  /** Starts or stops watching the file; answers whether it is now watched. */
  async toggle(uri?: vscode.Uri): Promise<boolean> {
    const t = await this.runner.fileTarget(uri);
    const existing = [...this.watches.values()].find((w) => w.session.folder === t.folder && w.path === t.path);
    if (existing) {
      this.watches.delete(existing.watchId);
      this.publish();
      await this.daemon.request(WatchStop.type, { watchId: existing.watchId }).catch(() => undefined);
      return false;
    }
    const s = await this.sessions.ensure(t.folder);
    await this.start(s, t.path, true);
    return true;
  }

  watching(): Array<{ folder: vscode.WorkspaceFolder; path: string }> {
    return [...this.watches.values()].map((w) => ({ folder: w.session.folder, path: w.path }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async start(s: FolderSession, path: string, runOnStart: boolean): Promise<void> {
    const sessionId = s.sessionId!;
    const { watchId } = await this.daemon.request(WatchStart.type, { sessionId, path, debounceMs: readConfig(s.folder.uri).debounceMs, runOnStart });
    this.watches.set(watchId, { watchId, session: s, sessionId, path });
    this.publish();
    for (const n of this.early.get(watchId) ?? []) this.onDidRun(n);
    this.early.delete(watchId);
  }

  private onDidRun(n: DidRun): void {
    const w = this.watches.get(n.watchId);
    if (!w) {
      const list = this.early.get(n.watchId) ?? [];
      if (list.length < 5) this.early.set(n.watchId, [...list, n]);
      return;
    }
    this.hub.watchRun(n.execution, n.events, this.meta(w));
  }

  private meta(w: Watch): RunMeta {
    const uri = vscode.Uri.joinPath(w.session.folder.uri, w.path);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return {
      sessionId: w.sessionId, folder: w.session.folder.uri.toString(), kind: 'run_file', origin: 'watch',
      title: w.path, path: w.path, valueLine: doc ? lastNonBlankLine(doc.getText()) : 0, template: w.session.template,
    };
  }

  /** After a restart the daemon may have ended the session's watches: start the missing ones again. */
  private async recreate(s: FolderSession): Promise<void> {
    const mine = [...this.watches.values()].filter((w) => w.session === s);
    if (mine.length === 0 || !s.sessionId) return;
    const { watches } = await this.daemon.request(WatchList.type, { sessionId: s.sessionId }).catch(() => ({ watches: [] }));
    for (const w of mine) {
      if (watches.some((x) => x.watchId === w.watchId)) continue;
      this.watches.delete(w.watchId);
      await this.start(s, w.path, false).catch(() => undefined);
    }
    this.publish();
  }

  private drop(pred: (w: Watch) => boolean): void {
    for (const w of [...this.watches.values()]) if (pred(w)) this.watches.delete(w.watchId);
    this.publish();
  }

  private publish(): void {
    this.status.setWatched([...this.watches.values()].map((w) => ({ path: w.path, uri: vscode.Uri.joinPath(w.session.folder.uri, w.path) })));
    void vscode.commands.executeCommand('setContext', 'vmSystem.watching', [...this.watches.values()].map((w) => vscode.Uri.joinPath(w.session.folder.uri, w.path).toString()));
  }
}
