/**
 * Entry point: composes the services and registers commands. Nothing starts
 * the daemon here; the first run, REPL or watch does (so opening a JS file
 * costs nothing until the user runs something).
 */
import * as vscode from 'vscode';
import { RequestType } from 'vscode-jsonrpc';
import { ExecutionEventNotification, ExecutionsPrompt } from '../server/protocol';
import { registerCommands } from './commands';
import { SECTION } from './config';
import { DaemonClient } from './daemon-client';
import { DecorationsSink } from './decorations';
import { DiagnosticsSink } from './diagnostics';
import { MissingPackageSink } from './missing-package';
import { NotebookKernel } from './notebook/kernel';
import { ExecutionHub } from './execution-hub';
import type { LiveResult } from './live/annotations';
import { LiveMode, type LiveTiming } from './live/live-mode';
import type { Annotation } from './format';
import { OutputSink } from './output';
import { ReplPanel } from './repl-panel';
import { Runner } from './runner';
import { SessionManager } from './session-manager';
import { StatusBar } from './status-bar';
import { WatchManager } from './watch';

/** What `activate` returns: typed daemon access for other extensions (and the integration tests). */
export interface VmSystemApi {
  request: DaemonClient['request'];
  /** Session state of a folder: id, state, template. */
  session(folder: vscode.WorkspaceFolder): { sessionId?: string; state: string; template: string };
  /** Inline results shown for a document. */
  inlineResults(uri: vscode.Uri): readonly Annotation[];
  /** Files being watched. */
  watching(): Array<{ folder: vscode.WorkspaceFolder; path: string }>;
  /** Live mode: on/off, what it shows for a document, the last run's timing, each painted run. */
  live: { enabled(): boolean; result(uri: vscode.Uri): LiveResult | undefined; timing(): LiveTiming | undefined; onDidRun: LiveMode['onDidRun'] };
}

let daemon: DaemonClient | undefined;

export function activate(context: vscode.ExtensionContext): VmSystemApi {
  daemon = new DaemonClient(context.extensionPath);
  const sessions = new SessionManager(daemon);
  let watches: WatchManager | undefined;
  // Live events nobody asked for belong to a watch run, unless a replay is re-running history.
  const hub = new ExecutionHub((sessionId) => (sessions.replaying ? undefined : watches?.adopt(sessionId)));
  const runner = new Runner(daemon, sessions, hub);
  const status = new StatusBar(sessions);
  const output = new OutputSink();
  const diagnostics = new DiagnosticsSink();
  const decorations = new DecorationsSink();
  const panel = new ReplPanel(context, sessions, runner);
  watches = new WatchManager(daemon, sessions, runner, hub, status);
  const live = new LiveMode(daemon, diagnostics);

  const running = (sessionId: string) => {
    const s = sessions.bySessionId(sessionId);
    if (s) sessions.setRunning(s, hub.isRunning(sessionId));
  };
  hub.addSink({ begin: (run) => running(run.meta.sessionId), end: (run) => running(run.meta.sessionId) });
  hub.addSink(output);
  hub.addSink(panel);
  hub.addSink(diagnostics);
  hub.addSink(decorations);
  hub.addSink(new MissingPackageSink(daemon));

  const d = daemon;
  context.subscriptions.push(new NotebookKernel(d, hub));

  d.onNotification(ExecutionEventNotification.type, (n) => hub.onLiveEvent(n));
  d.onRequest(ExecutionsPrompt.type, async (p) => {
    const title = sessions.replaying ? 'VM System: prompt() — replaying the session\'s history' : 'VM System: prompt()';
    const value = await vscode.window.showInputBox({ title, prompt: p.message || 'The running code asks for input', ignoreFocusOut: true });
    return { value: value ?? null };
  });

  context.subscriptions.push(
    d, sessions, status, output, diagnostics, decorations, panel, watches, live,
    vscode.commands.registerCommand('vmSystem.toggleLive', (on?: boolean) => live.toggle(typeof on === 'boolean' ? on : undefined)),
    d.onDidLose(() => hub.failAll(new Error('the daemon stopped'))),
    ...registerCommands({ daemon: d, sessions, runner, panel, watches }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration(`${SECTION}.template`)) status.update();
      if (!(e.affectsConfiguration(`${SECTION}.nodePath`) || e.affectsConfiguration(`${SECTION}.dbPath`))) return;
      // A change made while the daemon starts counts once it is up; one that leaves it as it is asks nothing.
      if (!(await d.settingsChanged()) || !d.running) return;
      const choice = await vscode.window.showInformationMessage('VM System: restart the daemon to use the new setting? Running sessions end.', 'Restart');
      if (choice !== 'Restart') return;
      await d.stop();
      sessions.forgetAll();
    }),
  );

  return {
    // Another extension's RequestType comes from its own copy of vscode-jsonrpc, whose parameter
    // structure this copy checks by identity ("Unknown parameter structure"): ours carries the method over.
    request: (type, params, token) => d.request(new RequestType(type.method) as typeof type, params, token),
    session: (folder) => {
      const s = sessions.get(folder);
      return { sessionId: s.sessionId, state: s.state, template: s.template };
    },
    inlineResults: (uri) => decorations.annotationsOf(uri),
    watching: () => watches!.watching(),
    live: { enabled: () => live.enabled, result: (uri) => live.view.resultOf(uri), timing: () => live.lastTiming, onDidRun: live.onDidRun },
  };
}

export async function deactivate(): Promise<void> {
  // shutdown + exit: the daemon closes its sessions and flushes its store.
  await daemon?.stop();
}
