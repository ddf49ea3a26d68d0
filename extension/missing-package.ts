/**
 * A run that failed with "Cannot find package 'x'" offers to add `x` to the
 * session's template as a registry library: the daemon installs it (with its
 * dependencies), and a restarted session finds it without any node_modules.
 * Asked once per package and session, so a watch re-running the same failure
 * does not ask again and again.
 */
import * as vscode from 'vscode';
import { LibrariesInstall, SessionsGet, TemplatesAddLibrary } from '../server/protocol';
import type { DaemonClient } from './daemon-client';
import { describeError } from './errors';
import type { Run, RunSink } from './execution-hub';
import { missingPackageOf } from './format';

export class MissingPackageSink implements RunSink {
  private readonly asked = new Set<string>();

  constructor(private readonly daemon: DaemonClient) {}

  end(run: Run): void {
    const exceptions = run.events.flatMap((e) => (e.type === 'exception' ? [e.payload] : []));
    const name = exceptions.map(missingPackageOf).find((n) => n !== undefined);
    if (!name) return;
    const key = `${run.meta.sessionId}|${name}`;
    if (this.asked.has(key)) return;
    this.asked.add(key);
    void this.offer(run.meta.sessionId, name);
  }

  private async offer(sessionId: string, name: string): Promise<void> {
    const ADD = 'Add to Template';
    const choice = await vscode.window.showInformationMessage(
      `VM System: '${name}' is neither a library of the session's template nor in node_modules. Add it to the template (installed from the registry)?`, ADD);
    if (choice !== ADD) return;
    try {
      const session = await this.daemon.request(SessionsGet.type, { sessionId });
      await this.daemon.request(TemplatesAddLibrary.type, { templateId: session.templateId, name });
      const { installed } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `VM System: installing ${name}` },
        () => this.daemon.request(LibrariesInstall.type, { names: [name] }));
      const what = installed.map((l) => `${l.name}@${l.version}${l.dependencies ? ` (+${l.dependencies} dependencies)` : ''}`).join(', ');
      const RESTART = 'Restart Session';
      const next = await vscode.window.showInformationMessage(`VM System: added ${what} to the template. Sessions started from now on load it.`, RESTART);
      if (next === RESTART) await vscode.commands.executeCommand('vmSystem.restartSession', { replay: true });
    } catch (err) {
      void vscode.window.showErrorMessage(`VM System: adding ${name} failed: ${describeError(err)}`);
    }
  }
}
