// Writes the extension's manifest keys into the root package.json and touches
// nothing else (other keys belong to other parts of the project):
//   node extension/manifest/apply.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { notebookActivationEvents, notebookCommands, notebookMenus } from './notebook.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));

const jsOrTs = "resourceLangId == javascript || resourceLangId == typescript";
const editorJsOrTs = "editorLangId == javascript || editorLangId == typescript";

const commands = [
  { command: 'vmSystem.runFile', title: 'VM System: Run File', icon: '$(play)' },
  { command: 'vmSystem.runSelection', title: 'VM System: Run Selection', icon: '$(run)' },
  { command: 'vmSystem.openRepl', title: 'VM System: Open REPL', icon: '$(terminal)' },
  { command: 'vmSystem.toggleWatch', title: 'VM System: Toggle Watch', icon: '$(eye)' },
  { command: 'vmSystem.stop', title: 'VM System: Stop Execution', icon: '$(debug-stop)' },
  { command: 'vmSystem.restartSession', title: 'VM System: Restart Session', icon: '$(debug-restart)' },
  { command: 'vmSystem.selectTemplate', title: 'VM System: Select Template' },
  { command: 'vmSystem.toggleLive', title: 'VM System: Toggle Live Mode', icon: '$(zap)' },
];

const contributes = {
  commands,
  menus: {
    'editor/title/run': [
      { command: 'vmSystem.runFile', when: jsOrTs, group: 'navigation@10' },
    ],
    'editor/context': [
      { command: 'vmSystem.runFile', when: jsOrTs, group: 'vmSystem@1' },
      { command: 'vmSystem.runSelection', when: `editorHasSelection && (${editorJsOrTs})`, group: 'vmSystem@2' },
      { command: 'vmSystem.toggleWatch', when: jsOrTs, group: 'vmSystem@3' },
    ],
    'explorer/context': [
      { command: 'vmSystem.runFile', when: `!explorerResourceIsFolder && (${jsOrTs})`, group: 'vmSystem@1' },
      { command: 'vmSystem.toggleWatch', when: `!explorerResourceIsFolder && (${jsOrTs})`, group: 'vmSystem@2' },
    ],
    commandPalette: [
      { command: 'vmSystem.runFile', when: 'workbenchState != empty' },
      { command: 'vmSystem.runSelection', when: `editorIsOpen && (${editorJsOrTs})` },
      { command: 'vmSystem.toggleWatch', when: 'workbenchState != empty' },
      { command: 'vmSystem.stop', when: 'vmSystem.running' },
      { command: 'vmSystem.toggleLive', when: `editorIsOpen && (${editorJsOrTs})` },
    ],
  },
  // Checked against VS Code 1.100's default keybindings by the integration tests.
  keybindings: [
    { command: 'vmSystem.runFile', key: 'ctrl+alt+e', mac: 'ctrl+cmd+e', when: `editorTextFocus && (${editorJsOrTs})` },
    { command: 'vmSystem.runSelection', key: 'ctrl+alt+s', mac: 'ctrl+cmd+s', when: `editorTextFocus && editorHasSelection && (${editorJsOrTs})` },
    { command: 'vmSystem.openRepl', key: 'ctrl+alt+w', mac: 'ctrl+cmd+w' },
    { command: 'vmSystem.stop', key: 'ctrl+alt+x', mac: 'ctrl+cmd+x', when: 'vmSystem.running' },
  ],
  configuration: {
    title: 'VM System',
    properties: {
      'vmSystem.nodePath': {
        type: 'string', default: '', scope: 'machine',
        markdownDescription: 'Node.js that runs the vm-system daemon (22 or 24; 20 works with an engine that carries an advisory). When set, it is used alone. Empty: `node` on `PATH`, then the newest suitable install of nvm, fnm, volta or asdf. The daemon always runs as its own process, never inside the editor.',
      },
      'vmSystem.dbPath': {
        type: 'string', default: '', scope: 'machine-overridable',
        markdownDescription: 'Database of the daemon (templates, sessions, execution history). Empty: the CLI default, `$XDG_DATA_HOME/vm-system/vm-system.db` or `~/.local/share/vm-system/vm-system.db`.',
      },
      'vmSystem.template': {
        type: 'string', default: 'default', scope: 'resource',
        markdownDescription: 'Template that new sessions of a workspace folder are created from (`VM System: Select Template`).',
      },
      'vmSystem.watch.debounceMs': {
        type: 'integer', default: 100, minimum: 0, maximum: 60000, scope: 'resource',
        markdownDescription: 'Quiet time after a change before `VM System: Toggle Watch` re-runs the file.',
      },
      'vmSystem.live.debounceMs': {
        type: 'integer', default: 300, minimum: 0, maximum: 60000, scope: 'resource',
        markdownDescription: 'Quiet time after a keystroke before `VM System: Toggle Live Mode` re-runs the active file (unsaved).',
      },
      'vmSystem.trace.server': {
        type: 'string', enum: ['off', 'messages', 'verbose'], default: 'off', scope: 'window',
        markdownDescription: 'Traces the JSON-RPC messages between VS Code and the daemon in the `VM System Daemon` output.',
      },
    },
  },
};

pkg.main = './dist/extension.js';
pkg.engines = { ...pkg.engines, vscode: '^1.91.0' };
pkg.activationEvents = ['onLanguage:javascript', 'onLanguage:typescript', 'onWebviewPanel:vmSystem.repl'];
contributes.commands.push(...notebookCommands);
for (const [menu, items] of Object.entries(notebookMenus)) contributes.menus[menu] = [...(contributes.menus[menu] ?? []), ...items];
pkg.activationEvents.push(...notebookActivationEvents);
pkg.contributes = contributes;
pkg.scripts = { ...pkg.scripts, 'test:vscode': 'node test/vscode/run.mjs' };

writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
console.log('package.json: main, engines.vscode, activationEvents, contributes, scripts.test:vscode');
