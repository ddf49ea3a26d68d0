/**
 * One session per workspace folder, created lazily from the chosen template
 * (worktree = the folder). Tracks each session's state for the status bar and
 * brings sessions back after the daemon restarted (`sessions/restart
 * {replay: true}`, after asking).
 */
import * as vscode from 'vscode';
import {
  SessionsClose, SessionsCreate, SessionsGet, SessionsRestart, TemplatesList, errorCodeOf,
  type Session,
} from '../server/protocol';
import { readConfig } from './config';
import { DaemonUnavailableError, type DaemonClient } from './daemon-client';
import { UserError, describeError } from './errors';
import type { SessionState } from './format';

export interface FolderSession {
  readonly folder: vscode.WorkspaceFolder;
  sessionId?: string;
  /** Name of the template the session was (or will be) created from. */
  template: string;
  state: SessionState;
  lastError?: string;
}

export class SessionManager implements vscode.Disposable {
  private readonly sessions = new Map<string, FolderSession>();
  private creating = new Map<string, Promise<FolderSession>>();
  private pendingRestore?: Promise<void>;
  private replays = 0;
  private readonly changed = new vscode.EventEmitter<FolderSession>();
  private readonly restored = new vscode.EventEmitter<FolderSession>();
  private readonly forgotten = new vscode.EventEmitter<FolderSession>();
  private readonly disposables: vscode.Disposable[] = [];
  /** State or template of a folder's session changed. */
  readonly onDidChange = this.changed.event;
  /** A session got a fresh runtime (restart or restore); its watches need re-creating. */
  readonly onDidRestore = this.restored.event;
  /** A session is gone for good (start fresh, template switch, daemon stopped). */
  readonly onDidForget = this.forgotten.event;

  constructor(private readonly daemon: DaemonClient) {
    this.disposables.push(
      daemon.onDidLose(() => {
        for (const s of this.sessions.values()) if (s.sessionId) this.set(s, { state: 'stopped', lastError: 'the daemon stopped' });
      }),
      daemon.onDidRestart(() => { this.pendingRestore = this.offerRestore().finally(() => { this.pendingRestore = undefined; }); }),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) {
          const s = this.sessions.get(f.uri.toString());
          if (s?.sessionId) void this.daemon.request(SessionsClose.type, { sessionId: s.sessionId }).catch(() => undefined);
          this.sessions.delete(f.uri.toString());
        }
      }),
    );
  }

  /** The folder of `uri`, else of the active editor, else the first folder. */
  folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    return (target && vscode.workspace.getWorkspaceFolder(target)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  get(folder: vscode.WorkspaceFolder): FolderSession {
    const key = folder.uri.toString();
    let s = this.sessions.get(key);
    if (!s) {
      s = { folder, template: readConfig(folder.uri).template, state: 'idle' };
      this.sessions.set(key, s);
    }
    return s;
  }

  /** A restart with replay is re-running history (a prompt() now comes from replayed input). */
  get replaying(): boolean {
    return this.replays > 0;
  }

  all(): FolderSession[] {
    return [...this.sessions.values()];
  }

  bySessionId(sessionId: string): FolderSession | undefined {
    return this.all().find((s) => s.sessionId === sessionId);
  }

  /** The folder's live session, created on first use. */
  async ensure(folder: vscode.WorkspaceFolder): Promise<FolderSession> {
    if (!(await this.daemon.start())) throw new DaemonUnavailableError();
    if (this.pendingRestore) await this.pendingRestore;
    const s = this.get(folder);
    if (s.sessionId && (s.state === 'ready' || s.state === 'running')) return s;
    if (s.sessionId && s.state === 'crashed') {
      throw new UserError(`the session of "${folder.name}" crashed${s.lastError ? `: ${s.lastError}` : ''}`,
        [{ title: 'Restart Session', command: 'vmSystem.restartSession' }]);
    }
    const key = folder.uri.toString();
    let pending = this.creating.get(key);
    if (!pending) {
      pending = this.create(s).finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    return pending;
  }

  /** `sessions/restart` on the folder's session (a fresh runtime; `replay` re-runs its history). */
  async restart(folder: vscode.WorkspaceFolder, replay: boolean): Promise<FolderSession> {
    const s = this.get(folder);
    if (!s.sessionId) return this.ensure(folder);
    if (!(await this.daemon.start())) throw new DaemonUnavailableError();
    this.set(s, { state: 'starting' });
    if (replay) this.replays++;
    try {
      const session = await this.daemon.request(SessionsRestart.type, { sessionId: s.sessionId, replay });
      this.apply(s, session);
      this.restored.fire(s);
    } catch (err) {
      this.set(s, { state: 'crashed', lastError: describeError(err) });
      throw err;
    } finally {
      if (replay) this.replays--;
    }
    return s;
  }

  /** Re-reads the session after a failed run: it may have crashed (memory limit). */
  async refresh(s: FolderSession): Promise<void> {
    if (!s.sessionId || !this.daemon.running) return;
    try {
      this.apply(s, await this.daemon.request(SessionsGet.type, { sessionId: s.sessionId }));
    } catch (err) {
      if (errorCodeOf(err) === 'SESSION_NOT_FOUND') this.forget(s);
    }
  }

  /** Marks the state while runs go on (running) or end (ready). */
  setRunning(s: FolderSession, running: boolean): void {
    if (running && s.state === 'ready') this.set(s, { state: 'running' });
    else if (!running && s.state === 'running') this.set(s, { state: 'ready' });
  }

  /** Closes the folder's session (template switch); the next run creates a new one. */
  async close(s: FolderSession): Promise<void> {
    const id = s.sessionId;
    this.forget(s);
    if (id && this.daemon.running) await this.daemon.request(SessionsClose.type, { sessionId: id }).catch(() => undefined);
  }

  /** Forgets every session (the daemon was stopped on purpose). */
  forgetAll(): void {
    for (const s of this.all()) this.forget(s);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
    this.restored.dispose();
    this.forgotten.dispose();
  }

  private forget(s: FolderSession): void {
    const had = s.sessionId !== undefined;
    this.set(s, { sessionId: undefined, state: 'idle', lastError: undefined, template: readConfig(s.folder.uri).template });
    if (had) this.forgotten.fire(s);
  }

  private async create(s: FolderSession): Promise<FolderSession> {
    const template = readConfig(s.folder.uri).template;
    this.set(s, { state: 'starting', template, lastError: undefined });
    try {
      const { templates } = await this.daemon.request(TemplatesList.type, { name: template });
      const chosen = templates[templates.length - 1];
      if (!chosen) {
        throw new UserError(`template "${template}" does not exist`, [{ title: 'Select Template', command: 'vmSystem.selectTemplate' }]);
      }
      const session = await this.daemon.request(SessionsCreate.type, { templateId: chosen.id, worktreePath: s.folder.uri.fsPath });
      this.apply(s, session);
      return s;
    } catch (err) {
      const details = (err as { data?: { details?: { sessionId?: string; lastError?: string } } }).data?.details;
      if (errorCodeOf(err) === 'STARTUP_FAILED' && details?.sessionId) {
        this.set(s, { sessionId: details.sessionId, state: 'crashed', lastError: details.lastError });
        throw new UserError(`the session of "${s.folder.name}" failed to start: ${details.lastError ?? describeError(err)}`,
          [{ title: 'Restart Session', command: 'vmSystem.restartSession' }, { title: 'Select Template', command: 'vmSystem.selectTemplate' }]);
      }
      this.set(s, { state: 'idle', lastError: describeError(err) });
      throw err;
    }
  }

  private async offerRestore(): Promise<void> {
    const lost = this.all().filter((s) => s.sessionId);
    if (lost.length === 0) return;
    const names = lost.map((s) => s.folder.name).join(', ');
    const choice = await vscode.window.showWarningMessage(
      `VM System: the daemon stopped and was restarted. Restore the session of ${names} by replaying its history?`,
      'Restore', 'Start Fresh');
    for (const s of lost) {
      if (choice !== 'Restore') {
        this.forget(s);
        continue;
      }
      try {
        await this.restart(s.folder, true);
      } catch (err) {
        void vscode.window.showErrorMessage(`VM System: restoring the session of ${s.folder.name} failed: ${describeError(err)}`);
      }
    }
  }

  private apply(s: FolderSession, session: Session): void {
    const state: SessionState = session.status === 'ready' && s.state === 'running' ? 'running' : session.status;
    this.set(s, { sessionId: session.id, state, lastError: session.lastError });
  }

  private set(s: FolderSession, patch: Partial<FolderSession>): void {
    Object.assign(s, patch);
    this.changed.fire(s);
  }
}
