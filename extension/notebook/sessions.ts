/**
 * One daemon session per notebook. The session id (and its template) lives in
 * the .ipynb's metadata (`metadata.vmSystem`), so reopening the notebook — or
 * the editor — continues in the same live session. A linked session that is no
 * longer live (the daemon restarted, it crashed or was closed) is offered back
 * with its history replayed, or replaced by a fresh one.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SessionsCreate, SessionsGet, SessionsRestart, TemplatesList, errorCodeOf, type Session } from '../../server/protocol';
import { readConfig } from '../config';
import { DaemonUnavailableError, type DaemonClient } from '../daemon-client';
import { UserError } from '../errors';
import { notebookLink, withLink } from './outputs';

export class RunDeclined extends Error {
  constructor() {
    super('the notebook\'s session was not restored');
  }
}

export const RESTORE_CHOICES = {
  replay: 'Restart the session and replay its history',
  fresh: 'Start a fresh session',
} as const;

export class NotebookSessions implements vscode.Disposable {
  /** Notebook uri → the session known to be live in the current daemon. */
  private readonly live = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly daemon: DaemonClient) {
    // Whatever ran in the daemon is gone; the next run finds the link and offers the replay.
    this.disposables.push(daemon.onDidLose(() => this.live.clear()));
  }

  /** The live session the notebook's id links to, if the kernel already checked it. */
  sessionOf(notebook: vscode.NotebookDocument): string | undefined {
    return this.live.get(notebook.uri.toString());
  }

  /** The notebook's live session: the linked one, restored (after asking) or new. */
  ensure(notebook: vscode.NotebookDocument): Promise<string> {
    const key = notebook.uri.toString();
    const known = this.live.get(key);
    if (known && this.daemon.running) return Promise.resolve(known);
    let p = this.pending.get(key);
    if (!p) {
      p = this.resolve(notebook).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /** `sessions/restart` on the notebook's session: a fresh runtime, `replay` re-runs its history. */
  async restart(notebook: vscode.NotebookDocument, replay: boolean): Promise<Session> {
    const sessionId = this.live.get(notebook.uri.toString()) ?? notebookLink(notebook.metadata).sessionId;
    if (!sessionId) throw new UserError('the notebook has no session yet: run a cell first');
    if (!(await this.daemon.start())) throw new DaemonUnavailableError();
    const session = await this.daemon.request(SessionsRestart.type, { sessionId, replay });
    this.live.set(notebook.uri.toString(), session.id);
    return session;
  }

  forget(notebook: vscode.NotebookDocument): void {
    this.live.delete(notebook.uri.toString());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async resolve(notebook: vscode.NotebookDocument): Promise<string> {
    if (!(await this.daemon.start())) throw new DaemonUnavailableError();
    const key = notebook.uri.toString();
    const link = notebookLink(notebook.metadata);
    if (link.sessionId) {
      const session = await this.daemon.request(SessionsGet.type, { sessionId: link.sessionId }).catch((err) => {
        if (errorCodeOf(err) === 'SESSION_NOT_FOUND') return undefined; // another database: start over
        throw err;
      });
      if (session?.status === 'ready') {
        this.live.set(key, session.id);
        return session.id;
      }
      if (session) {
        const choice = await vscode.window.showQuickPick([RESTORE_CHOICES.replay, RESTORE_CHOICES.fresh], {
          title: `VM System: the notebook's session is ${session.status}${session.lastError ? ` (${session.lastError})` : ''}`,
          placeHolder: 'Restore it by replaying what ran in it, or start a fresh session',
          ignoreFocusOut: true,
        });
        if (choice === undefined) throw new RunDeclined();
        if (choice === RESTORE_CHOICES.replay) {
          const restored = await this.daemon.request(SessionsRestart.type, { sessionId: session.id, replay: true });
          this.live.set(key, restored.id);
          return restored.id;
        }
      }
    }
    return this.create(notebook, link.template);
  }

  private async create(notebook: vscode.NotebookDocument, linkedTemplate: string | undefined): Promise<string> {
    const folder = vscode.workspace.getWorkspaceFolder(notebook.uri);
    const template = linkedTemplate ?? readConfig(folder?.uri ?? notebook.uri).template;
    const { templates } = await this.daemon.request(TemplatesList.type, { name: template });
    const chosen = templates[templates.length - 1];
    if (!chosen) {
      throw new UserError(`template "${template}" (of the notebook or the vmSystem.template setting) does not exist`,
        [{ title: 'Select Template', command: 'vmSystem.selectTemplate' }]);
    }
    const worktreePath = folder?.uri.fsPath ?? path.dirname(notebook.uri.fsPath);
    const session = await this.daemon.request(SessionsCreate.type, { templateId: chosen.id, worktreePath });
    this.live.set(notebook.uri.toString(), session.id);
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.updateNotebookMetadata(withLink(notebook.metadata, { sessionId: session.id, template }))]);
    await vscode.workspace.applyEdit(edit);
    return session.id;
  }
}
