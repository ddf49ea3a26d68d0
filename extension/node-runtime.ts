/**
 * Finds the `node` that runs the daemon: `vmSystem.nodePath` when set (used
 * alone: an explicit choice is never silently replaced); otherwise `node` on
 * PATH, then the installs of nvm, fnm, volta and asdf, newest first — the first
 * whose version has a sandbox engine in this install. The extension host's own
 * runtime is never used (in desktop VS Code it is Electron, whose ABI does not
 * fit isolated-vm, and the daemon must not share the editor's process anyway).
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import * as vscode from 'vscode';
import { openSetting } from './config';
import { engineMajors, probeNode, versionManagerNodes, type NodeRuntime } from './node-version';

/** The Node to run the daemon with, or undefined after telling the user what was tried (with a Configure action). */
export async function findNode(configured: string | undefined, extensionPath: string): Promise<NodeRuntime | undefined> {
  const majors = engineMajors(extensionPath, existsSync);
  const candidates = configured
    ? [{ path: configured, from: 'vmSystem.nodePath' }]
    : [
      { path: 'node', from: 'PATH' },
      ...versionManagerNodes(process.env, os.homedir(), process.platform, (dir) => readdirSync(dir))
        .filter((n) => majors.includes(n.version[0]))
        .map((n) => ({ path: n.path, from: n.manager })),
    ];
  const tried: string[] = [];
  for (const candidate of candidates) {
    const probe = await probeNode(candidate.path, majors);
    if (probe.ok) return probe.node;
    tried.push(`${candidate.from}: ${probe.reason}`);
  }
  const wanted = majors.length ? `Node.js ${majors.join(', ')}` : 'Node.js 20, 22 or 24 (and this install has no sandbox engine: reinstall the extension)';
  // Not awaited: the command that needed the daemon ends now; the message stays.
  void vscode.window.showErrorMessage(
    `VM System needs ${wanted} to run its daemon. Tried ${tried.join('; ')}. Install Node.js 22 or 24 or set vmSystem.nodePath.`,
    'Configure').then((choice) => (choice === 'Configure' ? openSetting('nodePath') : undefined));
  return undefined;
}
