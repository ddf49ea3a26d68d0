/** The contributed commands, each a thin wrapper over the services. */
import * as vscode from 'vscode';
import { TemplatesCreate, TemplatesList, type ExecutionWithEvents } from '../server/protocol';
import { SECTION } from './config';
import type { DaemonClient } from './daemon-client';
import { UserError, reportError } from './errors';
import type { ReplPanel } from './repl-panel';
import type { Runner } from './runner';
import type { SessionManager } from './session-manager';
import type { WatchManager } from './watch';

export interface Services {
  daemon: DaemonClient;
  sessions: SessionManager;
  runner: Runner;
  panel: ReplPanel;
  watches: WatchManager;
}

/** Errors become messages; the command answers undefined then. */
function guarded<A extends unknown[], R>(f: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await f(...args);
    } catch (err) {
      reportError(err);
      return undefined;
    }
  };
}

export function registerCommands(s: Services): vscode.Disposable[] {
  const reg = <A extends unknown[], R>(id: string, f: (...args: A) => Promise<R>) =>
    vscode.commands.registerCommand(id, guarded(f) as (...args: unknown[]) => unknown);
  return [
    // From the explorer/editor title menus the first argument is the file's uri.
    reg('vmSystem.runFile', (uri?: vscode.Uri): Promise<ExecutionWithEvents | undefined> => s.runner.runFile(uri instanceof vscode.Uri ? uri : undefined)),
    reg('vmSystem.runSelection', () => s.runner.runSelection()),
    reg('vmSystem.openRepl', async () => s.panel.show()),
    reg('vmSystem.toggleWatch', (uri?: vscode.Uri) => s.watches.toggle(uri instanceof vscode.Uri ? uri : undefined)),
    reg('vmSystem.stop', async () => {
      const stopped = await s.runner.stop(s.sessions.folderFor());
      if (!stopped) void vscode.window.setStatusBarMessage('VM System: nothing is running', 3000);
      return stopped;
    }),
    reg('vmSystem.restartSession', async (opts?: { replay?: boolean }) => {
      const folder = s.sessions.folderFor();
      if (!folder) throw new UserError('open a folder first');
      let replay = opts?.replay;
      if (replay === undefined) {
        const pick = await vscode.window.showQuickPick([
          { label: 'Restart and replay history', description: 'fresh runtime, then re-run this session\'s successful inputs and files', replay: true },
          { label: 'Restart fresh', description: 'fresh runtime, empty state', replay: false },
        ], { title: `VM System: Restart Session (${folder.name})` });
        if (!pick) return undefined;
        replay = pick.replay;
      }
      const session = await s.sessions.restart(folder, replay);
      void vscode.window.setStatusBarMessage(`VM System: session restarted${replay ? ' (history replayed)' : ''}`, 4000);
      return session.state;
    }),
    reg('vmSystem.selectTemplate', async (name?: string) => {
      let chosen = typeof name === 'string' ? name : undefined;
      if (chosen === undefined) {
        const { templates } = await s.daemon.request(TemplatesList.type, {});
        const names = [...new Set(templates.map((t) => t.name))];
        const NEW = '$(add) New template…';
        const current = s.sessions.folderFor() ? s.sessions.get(s.sessions.folderFor()!).template : undefined;
        const pick = await vscode.window.showQuickPick(
          [...names.map((n) => ({ label: n, description: n === current ? 'current' : undefined })), { label: NEW }],
          { title: 'VM System: Select Template', placeHolder: 'Template for new sessions of this workspace' });
        if (!pick) return undefined;
        chosen = pick.label;
        if (chosen === NEW) {
          chosen = await vscode.window.showInputBox({ title: 'VM System: New Template', prompt: 'Name of the template (default settings; configure it with the CLI)' });
          if (!chosen?.trim()) return undefined;
          await s.daemon.request(TemplatesCreate.type, { name: chosen.trim() });
          chosen = chosen.trim();
        }
      }
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration(SECTION).update('template', chosen, target);
      // Sessions from another template are closed; the next run creates one from the chosen template.
      for (const session of s.sessions.all()) if (session.sessionId && session.template !== chosen) await s.sessions.close(session);
      return chosen;
    }),
  ];
}
