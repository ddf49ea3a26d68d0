import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const commandsSource = ['extension/commands.ts', 'extension/extension.ts', 'extension/notebook/kernel.ts'].map((f) => readFileSync(path.join(root, f), 'utf8')).join('\n');

test('the manifest points at the bundle and accepts VS Code 1.91 to 1.x (code-server 4.100 is 1.100)', () => {
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.engines.vscode, '^1.91.0');
  assert.ok(pkg.publisher && pkg.name && pkg.version);
});

test('commands carry the exact titles and are all registered', () => {
  const titles = Object.fromEntries(pkg.contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]));
  assert.deepEqual(titles, {
    'vmSystem.runFile': 'VM System: Run File',
    'vmSystem.runSelection': 'VM System: Run Selection',
    'vmSystem.openRepl': 'VM System: Open REPL',
    'vmSystem.toggleWatch': 'VM System: Toggle Watch',
    'vmSystem.stop': 'VM System: Stop Execution',
    'vmSystem.restartSession': 'VM System: Restart Session',
    'vmSystem.selectTemplate': 'VM System: Select Template',
    'vmSystem.restartNotebook': 'VM System: Restart Notebook Session',
    'vmSystem.toggleLive': 'VM System: Toggle Live Mode',
  });
  for (const id of Object.keys(titles)) assert.ok(commandsSource.includes(`'${id}'`), `${id} is registered`);
  const referenced = [
    ...Object.values(pkg.contributes.menus).flat().map((m) => (m as { command: string }).command),
    ...pkg.contributes.keybindings.map((k: { command: string }) => k.command),
  ];
  for (const id of referenced) assert.ok(id in titles, `${id} is contributed`);
});

test('settings', () => {
  const props = pkg.contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).sort(), ['vmSystem.dbPath', 'vmSystem.live.debounceMs', 'vmSystem.nodePath', 'vmSystem.template', 'vmSystem.trace.server', 'vmSystem.watch.debounceMs']);
  assert.equal(props['vmSystem.template'].default, 'default');
  assert.equal(props['vmSystem.live.debounceMs'].default, 300);
  assert.deepEqual(props['vmSystem.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('menus offer Run File for JS/TS files and the e2e script exists', () => {
  assert.ok(pkg.contributes.menus['editor/title/run'].some((m: { command: string; when: string }) => m.command === 'vmSystem.runFile' && /javascript/.test(m.when) && /typescript/.test(m.when)));
  assert.ok(pkg.contributes.menus['explorer/context'].some((m: { command: string }) => m.command === 'vmSystem.runFile'));
  assert.equal(pkg.scripts['test:vscode'], 'node test/vscode/run.mjs');
});
