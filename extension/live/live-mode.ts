/**
 * `VM System: Toggle Live Mode`: while on, the active JavaScript or
 * TypeScript editor runs on every change, unsaved (`executions/runFile
 * {content, coverage: true}`), after `vmSystem.live.debounceMs` of quiet, in
 * a fresh runtime of the folder's live session (live-sessions.ts). An edit
 * cancels the run still going. The result is painted by LiveView; the
 * exception goes to the shared diagnostics.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecutionsRunFile, errorCodeOf } from '../../server/protocol';
import { SECTION } from '../config';
import type { DaemonClient } from '../daemon-client';
import type { DiagnosticsSink } from '../diagnostics';
import { describeError } from '../errors';
import { relativePath } from '../format';
import { liveResult } from './annotations';
import { LiveSessions } from './live-sessions';
import { LiveView } from './live-view';
import { rewriteLive } from './rewrite';

const LANGUAGES = new Set(['javascript', 'typescript']);

export interface LiveTiming {
  /** Debounce fired → answer arrived (rewrite, runtime, run, coverage). */
  runMs: number;
  /** Answer → decorations and diagnostics set. */
  paintMs: number;
}

export function liveDebounceMs(scope?: vscode.ConfigurationScope): number {
  const v = vscode.workspace.getConfiguration(SECTION, scope).get<number>('live.debounceMs') ?? 300;
  return Math.max(0, Math.min(60000, Math.round(v)));
}

export class LiveMode implements vscode.Disposable {
  private on = false;
  private readonly sessions: LiveSessions;
  readonly view = new LiveView();
  private readonly item = vscode.window.createStatusBarItem('vmSystem.live', vscode.StatusBarAlignment.Left, 47);
  private timer: NodeJS.Timeout | undefined;
  private running: vscode.CancellationTokenSource | undefined;
  private generation = 0;
  /** Random, so user code does not stumble on it. */
  private readonly reporter = `__vmsLive$${randomBytes(4).toString('hex')}`;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly ran = new vscode.EventEmitter<{ uri: vscode.Uri; timing: LiveTiming }>();
  /** A live run was painted (tests, timing). */
  readonly onDidRun = this.ran.event;
  lastTiming: LiveTiming | undefined;

  constructor(private readonly daemon: DaemonClient, private readonly diagnostics: DiagnosticsSink) {
    this.sessions = new LiveSessions(daemon);
    this.item.name = 'VM System Live Mode';
    this.item.command = 'vmSystem.toggleLive';
    this.disposables.push(
      this.sessions, this.view, this.item, this.ran,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.on && e.contentChanges.length && e.document === vscode.window.activeTextEditor?.document) this.schedule(e.document);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        this.update();
        if (this.on && editor) this.schedule(editor.document, 0);
      }),
    );
    this.update();
  }

  get enabled(): boolean {
    return this.on;
  }

  /** Turns live mode on or off; answers the new state. */
  toggle(on = !this.on): boolean {
    this.on = on;
    if (on) {
      const doc = vscode.window.activeTextEditor?.document;
      if (doc) this.schedule(doc, 0);
    } else {
      this.cancel();
      this.view.clear();
    }
    this.update();
    return on;
  }

  dispose(): void {
    this.cancel();
    for (const d of this.disposables) d.dispose();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    this.running?.cancel();
    this.running = undefined;
  }

  private schedule(doc: vscode.TextDocument, delay = liveDebounceMs(doc.uri)): void {
    if (!LANGUAGES.has(doc.languageId) || doc.isUntitled) return;
    // The run still going is now stale: stop it at once, not after the debounce.
    this.cancel();
    const generation = this.generation;
    this.timer = setTimeout(() => { this.timer = undefined; void this.run(doc, generation); }, delay);
  }

  private async run(doc: vscode.TextDocument, generation: number): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const rel = folder && relativePath(folder.uri.fsPath, doc.uri.fsPath, path.sep);
    if (!folder || !rel) {
      this.update(`${path.basename(doc.fileName)} is not inside a workspace folder`);
      return;
    }
    const t0 = performance.now();
    const source = rewriteLive(doc.getText(), this.reporter, doc.languageId === 'typescript');
    const cts = new vscode.CancellationTokenSource();
    this.running = cts;
    const stale = () => generation !== this.generation;
    try {
      const answer = await this.sessions.withFresh(folder, stale, (sessionId) =>
        this.daemon.request(ExecutionsRunFile.type, { sessionId, path: rel, content: source.code, coverage: true }, cts.token));
      if (!answer || stale()) return;
      const t1 = performance.now();
      const result = liveResult(answer.events, rel, source.insertions, doc.lineCount, answer.coverage);
      this.view.show(doc.uri, result);
      this.diagnostics.end({
        id: 0, done: true, events: result.events, execution: answer,
        meta: { sessionId: answer.sessionId, folder: folder.uri.toString(), kind: 'run_file', origin: 'command', title: rel, path: rel },
      });
      const timing = { runMs: t1 - t0, paintMs: performance.now() - t1 };
      this.lastTiming = timing;
      this.update();
      this.ran.fire({ uri: doc.uri, timing });
    } catch (err) {
      if (errorCodeOf(err) === 'REQUEST_CANCELLED' || stale()) return;
      this.update(describeError(err));
    } finally {
      if (this.running === cts) this.running = undefined;
      cts.dispose();
    }
  }

  private update(problem?: string): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !LANGUAGES.has(doc.languageId)) {
      this.item.hide();
      return;
    }
    const ms = this.lastTiming && Math.round(this.lastTiming.runMs + this.lastTiming.paintMs);
    this.item.text = this.on ? `$(zap) Live${problem ? ' $(warning)' : ms !== undefined ? ` · ${ms} ms` : ''}` : '$(circle-slash) Live';
    this.item.tooltip = this.on
      ? `VM System live mode: on — runs on every change, unsaved${problem ? `\n${problem}` : ''}\nClick to turn off`
      : 'VM System live mode: off — click to run the active file on every change';
    this.item.show();
  }
}
