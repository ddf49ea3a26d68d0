/**
 * Sends executions to the daemon (run file, run selection, REPL input) inside
 * the folder's session, routes them through the ExecutionHub, and stops them
 * (`$/cancelRequest` for our own requests, `executions/cancel` for watch runs).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ExecutionsCancel, ExecutionsGet, ExecutionsRepl, ExecutionsRunFile, SessionsComplete, SessionsPreview, errorCodeOf,
  type CompletionItem, type Execution, type ExecutionWithEvents,
} from '../server/protocol';
import { activeEditor } from './active-editor';
import type { DaemonClient } from './daemon-client';
import { UserError } from './errors';
import type { ExecutionHub, Run, RunMeta } from './execution-hub';
import { lastNonBlankLine, oneLine, relativePath } from './format';
import { selectionInput } from './selection-input';
import type { FolderSession, SessionManager } from './session-manager';

export interface RunTarget {
  folder: vscode.WorkspaceFolder;
  /** Worktree-relative path with forward slashes. */
  path: string;
  document: vscode.TextDocument;
}

export class Runner {
  private readonly cancels = new Map<number, vscode.CancellationTokenSource>();
  /** Runs the user asked to stop, and whether `executions/cancel` went out for them. */
  private readonly stopping = new Map<number, boolean>();

  constructor(
    private readonly daemon: DaemonClient,
    private readonly sessions: SessionManager,
    private readonly hub: ExecutionHub,
  ) {
    // A Stop that came before the execution had an id is repeated once the id is known:
    // `$/cancelRequest` alone can reach the daemon before it has registered the execution.
    hub.addSink({
      event: (run) => { if (this.stopping.get(run.id) === false) void this.cancelExecution(run); },
      end: (run) => { this.stopping.delete(run.id); },
    });
  }

  /** The saved file to run: `uri` or the active editor's document. */
  async fileTarget(uri?: vscode.Uri): Promise<RunTarget> {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : (await activeEditor())?.document;
    if (!document) throw new UserError('open a JavaScript or TypeScript file to run');
    if (document.isUntitled) throw new UserError('save the file inside a workspace folder first');
    if (document.isDirty && !(await document.save())) throw new UserError(`could not save ${path.basename(document.fileName)}`);
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const rel = folder && relativePath(folder.uri.fsPath, document.uri.fsPath, path.sep);
    if (!folder || !rel) throw new UserError(`${path.basename(document.fileName)} is not inside a workspace folder; the session's worktree is the folder`);
    return { folder, path: rel, document };
  }

  async runFile(uri?: vscode.Uri): Promise<ExecutionWithEvents | undefined> {
    const t = await this.fileTarget(uri);
    const s = await this.sessions.ensure(t.folder);
    return this.execute(s, {
      kind: 'run_file', origin: 'command', title: t.path, path: t.path,
      valueLine: lastNonBlankLine(t.document.getText()),
    }, (token) => this.daemon.request(ExecutionsRunFile.type, { sessionId: s.sessionId!, path: t.path }, token));
  }

  async runSelection(given?: vscode.TextEditor): Promise<ExecutionWithEvents | undefined> {
    const editor = given ?? await activeEditor();
    if (!editor) throw new UserError('select code in an editor to run it');
    const doc = editor.document;
    const sel = editor.selection;
    const range = sel.isEmpty ? doc.lineAt(sel.active.line).range : sel;
    const text = doc.getText(range);
    if (text.trim() === '') throw new UserError('the selection is empty');
    const folder = this.sessions.folderFor(doc.uri);
    if (!folder) throw new UserError('open a folder: sessions run in a workspace folder');
    const rel = relativePath(folder.uri.fsPath, doc.uri.fsPath, path.sep);
    const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
    const s = await this.sessions.ensure(folder);
    const input = await selectionInput(text, doc.languageId);
    return this.execute(s, {
      kind: 'repl', origin: 'command', title: oneLine(text, 60), path: rel,
      valueLine: rel ? endLine : undefined, fallbackLine: rel ? range.start.line : undefined,
    }, (token) => this.daemon.request(ExecutionsRepl.type, { sessionId: s.sessionId!, input }, token));
  }

  /** REPL panel input. */
  async repl(folder: vscode.WorkspaceFolder, input: string): Promise<ExecutionWithEvents | undefined> {
    const s = await this.sessions.ensure(folder);
    return this.execute(s, { kind: 'repl', origin: 'repl', title: oneLine(input, 60) },
      (token) => this.daemon.request(ExecutionsRepl.type, { sessionId: s.sessionId!, input }, token));
  }

  async complete(folder: vscode.WorkspaceFolder, code: string, cursor: number): Promise<CompletionItem[]> {
    const s = await this.sessions.ensure(folder);
    const { items } = await this.daemon.request(SessionsComplete.type, { sessionId: s.sessionId!, code, cursor });
    return items;
  }

  /**
   * The eager preview of `code` in the folder's live session (`sessions/preview`: no side
   * effects, no value while code runs); undefined when there is nothing worth showing.
   * Never starts a session: a preview is not worth one.
   */
  async preview(folder: vscode.WorkspaceFolder, code: string): Promise<string | undefined> {
    const s = this.sessions.get(folder);
    if (!s?.sessionId || s.state !== 'ready') return undefined;
    const { value } = await this.daemon.request(SessionsPreview.type, { sessionId: s.sessionId, code });
    // `1` previewing as `1` tells nothing, as in node's REPL.
    return value && value.type !== 'undefined' && value.preview !== code.trim() ? value.preview : undefined;
  }

  /** Stops what runs in the folder's session; false when nothing was running. */
  async stop(folder: vscode.WorkspaceFolder | undefined): Promise<boolean> {
    const s = folder && this.sessions.get(folder);
    const runs = s?.sessionId ? this.hub.runsOf(s.sessionId) : [];
    for (const run of runs) {
      this.stopping.set(run.id, false);
      this.cancels.get(run.id)?.cancel();
      if (run.executionId) await this.cancelExecution(run);
    }
    return runs.length > 0;
  }

  private async cancelExecution(run: Run): Promise<void> {
    if (!run.executionId || this.stopping.get(run.id) !== false) return;
    this.stopping.set(run.id, true);
    await this.daemon.request(ExecutionsCancel.type, { executionId: run.executionId }).catch(() => undefined);
  }

  private async execute(
    s: FolderSession,
    meta: Omit<RunMeta, 'sessionId' | 'folder' | 'template'>,
    send: (token: vscode.CancellationToken) => Promise<ExecutionWithEvents>,
  ): Promise<ExecutionWithEvents | undefined> {
    const run = this.hub.begin({ ...meta, sessionId: s.sessionId!, folder: s.folder.uri.toString(), template: s.template });
    const cts = new vscode.CancellationTokenSource();
    this.cancels.set(run.id, cts);
    try {
      const result = await send(cts.token);
      this.hub.finish(run, result);
      return result;
    } catch (err) {
      this.hub.fail(run, err, await this.finalExecution(run, err));
      return this.explain(s, err);
    } finally {
      this.cancels.delete(run.id);
      cts.dispose();
      if (run.execution?.status !== 'ok') void this.sessions.refresh(s);
    }
  }

  /** After a cancelled or limited run the execution still exists: fetch how it ended. */
  private async finalExecution(run: Run, err: unknown): Promise<Execution | undefined> {
    const details = (err as { data?: { details?: { executionId?: string } } }).data?.details;
    const id = details?.executionId ?? run.executionId;
    if (!id || !this.daemon.running) return undefined;
    return this.daemon.request(ExecutionsGet.type, { executionId: id }).catch(() => undefined);
  }

  private explain(s: FolderSession, err: unknown): undefined {
    switch (errorCodeOf(err)) {
      case 'REQUEST_CANCELLED': return undefined;
      case 'SESSION_BUSY':
        throw new UserError('another execution is running in this session', [{ title: 'Stop Execution', command: 'vmSystem.stop' }]);
      case 'SESSION_NOT_READY':
        throw new UserError(`the session of "${s.folder.name}" is not ready (${s.state})`, [{ title: 'Restart Session', command: 'vmSystem.restartSession' }]);
      case 'OUTPUT_LIMIT_EXCEEDED':
        throw new UserError('the execution was stopped: it printed more than the template allows (see the VM System output)');
      default:
        // -32097: vscode-jsonrpc rejected the pending request because the connection closed.
        if ((err as { code?: number }).code === -32097) throw new UserError('the daemon stopped while the code ran; it is being restarted');
        throw err;
    }
  }
}
