/**
 * Status bar: the session of the active folder (state · template; click opens
 * the REPL), a Stop button while it runs, and `watching FILE` while a watch is on.
 */
import * as vscode from 'vscode';
import { statusView, watchText } from './format';
import type { SessionManager } from './session-manager';

export class StatusBar implements vscode.Disposable {
  private readonly session = vscode.window.createStatusBarItem('vmSystem.session', vscode.StatusBarAlignment.Left, 50);
  private readonly stop = vscode.window.createStatusBarItem('vmSystem.stop', vscode.StatusBarAlignment.Left, 49);
  private readonly watch = vscode.window.createStatusBarItem('vmSystem.watch', vscode.StatusBarAlignment.Left, 48);
  private readonly disposables: vscode.Disposable[] = [];
  private watched: Array<{ path: string; uri: vscode.Uri }> = [];

  constructor(private readonly sessions: SessionManager) {
    this.session.name = 'VM System Session';
    this.session.command = 'vmSystem.openRepl';
    this.stop.name = 'VM System Stop';
    this.stop.text = '$(debug-stop) Stop';
    this.stop.tooltip = 'VM System: Stop Execution';
    this.stop.command = 'vmSystem.stop';
    this.watch.name = 'VM System Watch';
    this.disposables.push(
      sessions.onDidChange(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  setWatched(watched: Array<{ path: string; uri: vscode.Uri }>): void {
    this.watched = watched;
    this.update();
  }

  update(): void {
    const folder = this.sessions.folderFor();
    if (!folder) {
      this.session.hide();
      this.stop.hide();
      this.watch.hide();
      return;
    }
    const s = this.sessions.get(folder);
    const view = statusView(s.state, s.template, s.lastError);
    this.session.text = view.text;
    this.session.tooltip = view.tooltip;
    this.session.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.session.show();
    const running = s.state === 'running';
    void vscode.commands.executeCommand('setContext', 'vmSystem.running', running);
    if (running) this.stop.show();
    else this.stop.hide();
    // The active file first, so the item names (and the click stops) what the user looks at.
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const ordered = [...this.watched].sort((a, b) => Number(b.uri.toString() === active) - Number(a.uri.toString() === active));
    const text = watchText(ordered.map((w) => w.path));
    if (text) {
      this.watch.text = text;
      this.watch.tooltip = `VM System re-runs on change: ${ordered.map((w) => w.path).join(', ')}\nClick to stop watching ${ordered[0].path}`;
      this.watch.command = { title: 'Stop watching', command: 'vmSystem.toggleWatch', arguments: [ordered[0].uri] };
      this.watch.show();
    } else {
      this.watch.hide();
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.session.dispose();
    this.stop.dispose();
    this.watch.dispose();
  }
}
