/**
 * The REPL panel: a webview bound to one workspace folder's session. It shows
 * every run of that session (REPL input, Run File, Run Selection, watch runs)
 * and sends REPL input, completions, Stop and Clear back. History is kept per
 * workspace (workspaceState).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { reportError } from './errors';
import type { Run, RunSink } from './execution-hub';
import { eventLines, exceptionText, footerLine, parseStack, worktreeFrames } from './format';
import { filterItems, wordAt } from './completion';
import { InputHistory } from './history';
import { makeNonce, replHtml, WEBVIEW_BUNDLE } from './repl-webview/html';
import type { FromWebview, ToWebview } from './repl-webview/messages';
import type { Runner } from './runner';
import type { SessionManager } from './session-manager';
import { statusView } from './format';
import { valueTree } from './value-tree';
import { richView } from './repl-webview/rich';
import type { Event } from '../server/protocol';

const HISTORY_KEY = 'vmSystem.replHistory';
const VIEW_TYPE = 'vmSystem.repl';
const MAX_BUFFER = 3000;

export class ReplPanel implements RunSink, vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private folder?: vscode.WorkspaceFolder;
  /** Per folder: what the transcript holds since the last Clear, replayed when the webview (re)loads. */
  private readonly buffers = new Map<string, ToWebview[]>();
  /** The webview's script is listening (messages posted before that would be lost or doubled). */
  private webviewReady = false;
  private nextSlot = 1;
  private readonly history: InputHistory;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly ready = new vscode.EventEmitter<void>();
  /** The webview loaded its script and asked for its state. */
  readonly onDidBecomeReady = this.ready.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sessions: SessionManager,
    private readonly runner: Runner,
  ) {
    this.history = new InputHistory(context.workspaceState.get<string[]>(HISTORY_KEY, []));
    this.disposables.push(
      sessions.onDidChange(() => this.postState()),
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => { this.attach(panel, this.sessions.folderFor()); },
      }),
    );
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  show(folder = this.sessions.folderFor()): void {
    if (!folder) {
      void vscode.window.showWarningMessage('VM System: open a folder first — the REPL runs in the folder\'s session.');
      return;
    }
    if (this.panel && this.folder === folder) {
      this.panel.reveal(undefined, false);
      return;
    }
    this.panel?.dispose();
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'VM System REPL', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [this.scriptFolder()],
    });
    this.attach(panel, folder);
    // Start the session early so the first input answers quickly.
    void this.sessions.ensure(folder).catch(reportError);
  }

  // ---- RunSink: every run of the panel's folder goes to the transcript ----

  begin(run: Run): void {
    if (run.meta.origin === 'repl') return;
    this.send(run, { type: 'begin', id: run.id, title: run.meta.title, origin: run.meta.origin });
  }

  event(run: Run, event: Event): void {
    if (event.type === 'value' && (run.meta.kind === 'repl' || event.payload.type !== 'undefined')) {
      this.send(run, { type: 'value', id: run.id, tree: valueTree(event.payload) });
    } else if (event.type === 'exception') {
      const [title, ...rest] = parseStack(exceptionText(event.payload));
      const root = vscode.Uri.parse(run.meta.folder).fsPath;
      this.send(run, { type: 'exception', id: run.id, title: title?.text ?? event.payload.name, stack: worktreeFrames(rest, root) });
    } else if (event.type === 'display') {
      this.display(run, event.payload.data);
    } else if (!(event.type === 'input_echo' && run.meta.origin !== 'repl')) {
      for (const line of eventLines(event, run.meta.kind)) this.send(run, { type: 'line', id: run.id, level: line.level, text: line.text });
    }
  }

  end(run: Run): void {
    if (run.execution) {
      const f = footerLine(run.execution);
      this.send(run, { type: 'end', id: run.id, level: f.level, text: f.text });
    } else if (run.error !== undefined) {
      this.send(run, { type: 'end', id: run.id, level: 'error', text: `✗ ${run.error instanceof Error ? run.error.message : String(run.error)}` });
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
    this.ready.dispose();
  }

  /** dist/, where the webview's bundle is: the only folder the webview may load from. */
  private scriptFolder(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist');
  }

  private attach(panel: vscode.WebviewPanel, folder: vscode.WorkspaceFolder | undefined): void {
    this.panel = panel;
    this.folder = folder;
    this.webviewReady = false;
    if (folder && (vscode.workspace.workspaceFolders?.length ?? 0) > 1) panel.title = `VM System REPL — ${folder.name}`;
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.scriptFolder()] };
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.scriptFolder(), WEBVIEW_BUNDLE));
    panel.webview.html = replHtml(panel.webview.cspSource, makeNonce(randomBytes), script.toString());
    const subs = [
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(m).catch(reportError)),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        if (this.panel === panel) {
          this.panel = undefined;
          this.webviewReady = false;
        }
      }),
    ];
  }

  private async onMessage(m: FromWebview): Promise<void> {
    const folder = this.folder;
    switch (m.type) {
      case 'ready':
        void this.panel?.webview.postMessage({ type: 'init', history: this.history.list(), folder: folder?.name ?? '' } satisfies ToWebview);
        for (const b of (folder && this.buffers.get(folder.uri.toString())) ?? []) void this.panel?.webview.postMessage(b);
        this.webviewReady = true;
        this.postState();
        this.ready.fire();
        return;
      case 'run':
        if (!folder) return;
        this.history.push(m.code);
        await this.context.workspaceState.update(HISTORY_KEY, this.history.list());
        await this.runner.repl(folder, m.code);
        return;
      case 'stop':
        await this.runner.stop(folder);
        return;
      case 'clear':
        if (folder) this.buffers.delete(folder.uri.toString());
        void this.panel?.webview.postMessage({ type: 'clear' } satisfies ToWebview);
        return;
      case 'complete': {
        if (!folder) return;
        const word = wordAt(m.code, m.cursor);
        const items = filterItems(await this.runner.complete(folder, m.code, m.cursor), word.prefix);
        void this.panel?.webview.postMessage({ type: 'completions', requestId: m.requestId, start: word.start, end: word.end, items } satisfies ToWebview);
        return;
      }
      case 'preview': {
        const text = folder ? await this.runner.preview(folder, m.code).catch(() => undefined) : undefined;
        void this.panel?.webview.postMessage({ type: 'preview', requestId: m.requestId, text: text ?? '' } satisfies ToWebview);
        return;
      }
      case 'open':
        await this.open(m.path, m.line, m.column);
        return;
    }
  }

  /** Opens a stack frame's file (worktree-relative or absolute) at the line. */
  private async open(file: string, line: number, column: number): Promise<void> {
    const root = this.folder?.uri.fsPath;
    const abs = path.isAbsolute(file) ? file : root ? path.join(root, file) : undefined;
    if (!abs || !fs.existsSync(abs)) {
      void vscode.window.showWarningMessage(`VM System: ${file} is not a file of the workspace.`);
      return;
    }
    const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(abs), { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
  }

  /** A display bundle; Markdown is shown as text first, then as the HTML VS Code's Markdown extension renders. */
  private display(run: Run, data: Record<string, string>): void {
    const slot = this.nextSlot++;
    const message: Extract<ToWebview, { type: 'display' }> = { type: 'display', id: run.id, slot, view: richView(data) };
    this.send(run, message);
    const view = message.view;
    if (view.kind !== 'markdown') return;
    void Promise.resolve(vscode.commands.executeCommand<string>('markdown.api.render', view.markdown)).then((html) => {
      if (typeof html !== 'string') return;
      // A webview that reloads later replays the rendered version.
      message.view = { kind: 'html', html };
      if (this.webviewReady && this.folder?.uri.toString() === run.meta.folder) void this.panel?.webview.postMessage({ type: 'displayHtml', slot, html } satisfies ToWebview);
    }, () => undefined);
  }

  private postState(): void {
    if (!this.panel || !this.folder) return;
    const s = this.sessions.get(this.folder);
    const view = statusView(s.state, s.template);
    void this.panel.webview.postMessage({ type: 'state', busy: s.state === 'running', text: view.text.replace(/^\$\([^)]*\)\s*/, '') } satisfies ToWebview);
  }

  private send(run: Run, m: ToWebview): void {
    const key = run.meta.folder;
    const buffer = this.buffers.get(key) ?? [];
    buffer.push(m);
    if (buffer.length > MAX_BUFFER) buffer.splice(0, buffer.length - MAX_BUFFER);
    this.buffers.set(key, buffer);
    if (this.webviewReady && this.folder?.uri.toString() === key) void this.panel?.webview.postMessage(m);
  }
}
