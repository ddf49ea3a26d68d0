/**
 * One hidden session per workspace folder for live mode, apart from the
 * folder's own session (its state, REPL and history stay untouched). Each run
 * starts from a clean runtime: after a run the session is restarted
 * (`sessions/restart`, no replay) right away, in the background, so the next
 * edit finds a fresh runtime waiting and pays only for its run. Everything
 * on one folder's session happens in order (a chain of promises).
 */
import * as vscode from 'vscode';
import { SessionsCreate, SessionsRestart, TemplatesList, errorCodeOf } from '../../server/protocol';
import { readConfig } from '../config';
import type { DaemonClient } from '../daemon-client';
import { UserError } from '../errors';

interface LiveSession {
  id?: string;
  /** No code has run in its runtime since it was created or restarted. */
  fresh: boolean;
  chain: Promise<unknown>;
}

export class LiveSessions implements vscode.Disposable {
  private readonly byFolder = new Map<string, LiveSession>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly daemon: DaemonClient) {
    // A new daemon knows none of them; the old one took them along.
    this.disposables.push(daemon.onDidLose(() => this.byFolder.clear()));
  }

  /**
   * Runs `fn` with a fresh runtime of the folder's live session, after what
   * was queued before; `stale()` is asked before the (costly) steps.
   */
  async withFresh<T>(folder: vscode.WorkspaceFolder, stale: () => boolean, fn: (sessionId: string) => Promise<T>): Promise<T | undefined> {
    const s = this.of(folder);
    const step = s.chain.then(async () => {
      if (stale()) return undefined;
      await this.freshen(folder, s);
      if (stale()) return undefined;
      s.fresh = false;
      try {
        return await fn(s.id!);
      } finally {
        // Warm the next run's runtime now, while the user reads the result.
        s.chain = s.chain.then(() => this.freshen(folder, s)).catch(() => undefined);
      }
    });
    s.chain = step.catch(() => undefined);
    return step;
  }

  /** The folder's live session id, if it has one (tests). */
  sessionId(folder: vscode.WorkspaceFolder): string | undefined {
    return this.byFolder.get(folder.uri.toString())?.id;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private of(folder: vscode.WorkspaceFolder): LiveSession {
    const key = folder.uri.toString();
    let s = this.byFolder.get(key);
    if (!s) {
      s = { fresh: false, chain: Promise.resolve() };
      this.byFolder.set(key, s);
    }
    return s;
  }

  private async freshen(folder: vscode.WorkspaceFolder, s: LiveSession): Promise<void> {
    if (s.id && s.fresh) return;
    if (s.id) {
      try {
        await this.daemon.request(SessionsRestart.type, { sessionId: s.id, replay: false });
        s.fresh = true;
        return;
      } catch (err) {
        if (errorCodeOf(err) !== 'SESSION_NOT_FOUND') throw err;
        s.id = undefined;
      }
    }
    const template = readConfig(folder.uri).template;
    const { templates } = await this.daemon.request(TemplatesList.type, { name: template });
    const chosen = templates[templates.length - 1];
    if (!chosen) throw new UserError(`template "${template}" does not exist`, [{ title: 'Select Template', command: 'vmSystem.selectTemplate' }]);
    // Closed by the daemon when this window disconnects: nobody else needs it.
    const session = await this.daemon.request(SessionsCreate.type, { templateId: chosen.id, worktreePath: folder.uri.fsPath, closeWithConnection: true });
    s.id = session.id;
    s.fresh = true;
  }
}
