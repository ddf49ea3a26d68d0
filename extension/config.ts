/** Typed access to the `vmSystem.*` settings. */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { expandHome } from './node-version';

export const SECTION = 'vmSystem';

export interface Config {
  nodePath?: string;
  dbPath?: string;
  template: string;
  debounceMs: number;
}

export function readConfig(scope?: vscode.ConfigurationScope): Config {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    nodePath: expandHome(c.get<string>('nodePath'), os.homedir()),
    dbPath: expandHome(c.get<string>('dbPath'), os.homedir()),
    template: c.get<string>('template')?.trim() || 'default',
    debounceMs: Math.max(0, Math.min(60000, Math.round(c.get<number>('watch.debounceMs') ?? 100))),
  };
}

/**
 * Opens the settings editor at one of our settings. In a remote window
 * (code-server, SSH, WSL) the daemon runs on the remote side, so its
 * machine-scoped settings live in the Remote tab.
 */
export function openSetting(key: string): Thenable<unknown> {
  const command = vscode.env.remoteName ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings';
  return vscode.commands.executeCommand(command, { query: `${SECTION}.${key}` });
}
