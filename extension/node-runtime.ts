/**
 * Finds the `node` that runs the daemon: `vmSystem.nodePath`, else `node` on
 * PATH, at least MIN_NODE. The extension host's own runtime is never used
 * (in desktop VS Code it is Electron, whose ABI does not fit isolated-vm, and
 * the daemon must not share the editor's process anyway).
 */
import * as vscode from 'vscode';
import { openSetting } from './config';
import { MIN_NODE, probeNode, type NodeRuntime, versionText } from './node-version';

/** The configured or PATH `node`, or undefined after telling the user (with a Configure action). */
export async function findNode(configured: string | undefined): Promise<NodeRuntime | undefined> {
  const probe = await probeNode(configured ?? 'node');
  if (probe.ok) return probe.node;
  const where = configured ? 'the `vmSystem.nodePath` setting' : 'PATH';
  // Not awaited: the command that needed the daemon ends now; the message stays.
  void vscode.window.showErrorMessage(
    `VM System needs Node.js ${versionText(MIN_NODE)} or newer to run its daemon (from ${where}): ${probe.reason}. Install Node.js or set vmSystem.nodePath.`,
    'Configure').then((choice) => (choice === 'Configure' ? openSetting('nodePath') : undefined));
  return undefined;
}
