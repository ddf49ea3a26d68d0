/**
 * Extension-host integration tests: they run inside a real VS Code 1.100
 * (code-server) with the extension under development, against the real
 * daemon (dist/cli.js) on a temporary database. Entry point: `run()`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecutionsList, OpsHealth, TemplatesCreate, type ExecutionWithEvents } from '../../../server/protocol';
import type { VmSystemApi } from '../../../extension/extension';
import { notebookTests } from './notebook';
import { liveTests } from './live';
import { runAll, test, waitFor } from './runner';

let api: VmSystemApi;
const folder = () => vscode.workspace.workspaceFolders![0];
const file = (rel: string) => vscode.Uri.joinPath(folder().uri, rel);
const runFile = (rel: string) => vscode.commands.executeCommand<ExecutionWithEvents | undefined>('vmSystem.runFile', file(rel));

async function open(rel: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(file(rel));
}

/** Replaces the whole text as a user would, then saves. */
async function rewrite(rel: string, text: string): Promise<vscode.TextDocument> {
  const editor = await open(rel);
  const doc = editor.document;
  await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), text));
  assert.ok(await doc.save(), `saved ${rel}`);
  return doc;
}

async function select(rel: string, needle: string): Promise<vscode.TextEditor> {
  const editor = await open(rel);
  const text = editor.document.getText();
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${rel}`);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + needle.length));
  return editor;
}

/** Answers every input box (prompt() in replayed history, say) with '' until `p` settles. */
async function accepting<T>(p: Thenable<T>): Promise<T> {
  let done = false;
  const settled = Promise.resolve(p).finally(() => { done = true; });
  await waitFor('the command to finish', async () => {
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return done;
  }, 25000);
  return settled;
}

function consoleTexts(x: ExecutionWithEvents | undefined): string[] {
  return (x?.events ?? []).filter((e) => e.type === 'console').map((e) => (e.payload as { text: string }).text);
}

test('activates and contributes every command', async () => {
  const ext = vscode.extensions.getExtension<VmSystemApi>('vm-system.vm-system');
  assert.ok(ext, 'extension vm-system.vm-system is installed');
  api = await ext.activate();
  const mine = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('vmSystem.')).sort();
  assert.deepEqual(mine, ['vmSystem.openRepl', 'vmSystem.restartNotebook', 'vmSystem.restartSession', 'vmSystem.runFile', 'vmSystem.runSelection',
    'vmSystem.selectTemplate', 'vmSystem.stop', 'vmSystem.toggleLive', 'vmSystem.toggleWatch']);
});

test('keybindings do not clash with VS Code\'s default keybindings', async () => {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('vscode://defaultsettings/keybindings.json'));
  // The list also holds what extensions contribute (ours included): keep VS Code's own.
  const defaults = new Set([...doc.getText().matchAll(/"key":\s*"([^"]+)",\s*"command":\s*"([^"]+)"/g)]
    .filter((m) => !m[2].startsWith('vmSystem.')).map((m) => m[1]));
  assert.ok(defaults.size > 300, `read ${defaults.size} default keys`);
  const manifest = vscode.extensions.getExtension('vm-system.vm-system')!.packageJSON as { contributes: { keybindings: Array<{ key: string }> } };
  for (const kb of manifest.contributes.keybindings) assert.ok(!defaults.has(kb.key), `${kb.key} is free`);
});

test('Run File runs the saved file in the daemon, a process of its own', async () => {
  const result = await runFile('hello.js');
  assert.equal(result?.status, 'ok');
  assert.deepEqual(consoleTexts(result), ['hello from vm-system']);
  assert.equal(result?.result?.preview, '42');
  const health = await api.request(OpsHealth.type, {});
  assert.notEqual(health.pid, process.pid);
  assert.equal(Object.keys(require.cache).some((k) => /isolated-vm|sql-wasm|sql\.js/.test(k)), false, 'no isolated-vm/sql.js in the extension host');
  assert.equal(api.session(folder()).state, 'ready');
  const inline = api.inlineResults(file('hello.js'));
  assert.deepEqual(inline.map((a) => [a.line, a.kind, a.text]), [[1, 'console', 'hello from vm-system'], [2, 'value', '⇒ 42']]);
}, 60000);

test('Run File saves the editor first', async () => {
  const editor = await open('hello.js');
  await editor.edit((e) => e.replace(new vscode.Range(2, 0, 2, 6), '6 * 8;'));
  assert.ok(editor.document.isDirty);
  const result = await runFile('hello.js');
  assert.equal(result?.result?.preview, '48');
  assert.equal(editor.document.isDirty, false);
  assert.match(readFileSync(file('hello.js').fsPath, 'utf8'), /6 \* 8;/);
  await rewrite('hello.js', editor.document.getText().replace('6 * 8;', '6 * 7;'));
});

test('a throwing file gets a diagnostic at the exception location; the next good run clears it', async () => {
  const result = await runFile('throws.js');
  assert.equal(result?.status, 'error');
  const diags = vscode.languages.getDiagnostics(file('throws.js'));
  assert.equal(diags.length, 1);
  assert.equal(diags[0].message, 'Error: boom at line 3');
  assert.equal(diags[0].range.start.line, 2);
  assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
  assert.ok(api.inlineResults(file('throws.js')).some((a) => a.kind === 'error' && a.line === 2));
  const original = readFileSync(file('throws.js').fsPath, 'utf8');
  await rewrite('throws.js', original.replace('throw new Error', 'return new Error'));
  assert.equal((await runFile('throws.js'))?.status, 'ok');
  assert.deepEqual(vscode.languages.getDiagnostics(file('throws.js')), []);
  await rewrite('throws.js', original);
});

test('TypeScript exceptions are placed at the source line (source-mapped)', async () => {
  const result = await runFile('types.ts');
  assert.equal(result?.status, 'error');
  const diags = vscode.languages.getDiagnostics(file('types.ts'));
  assert.equal(diags.length, 1);
  assert.equal(diags[0].message, 'RangeError: negative x');
  assert.equal(diags[0].range.start.line, 3);
});

test('Run Selection evaluates in the same session (state persists) and shows the value inline', async () => {
  await rewrite('scratch.js', 'var counter = 41;\ncounter + 1;\n');
  await select('scratch.js', 'var counter = 41;');
  await vscode.commands.executeCommand('vmSystem.runSelection');
  await select('scratch.js', 'counter + 1;');
  const result = await vscode.commands.executeCommand<ExecutionWithEvents>('vmSystem.runSelection');
  assert.equal(result.kind, 'repl');
  assert.equal(result.result?.preview, '42');
  assert.ok(api.inlineResults(file('scratch.js')).some((a) => a.line === 1 && a.text === '⇒ 42'));
});

test('Stop Execution cancels a running file at once', async () => {
  const started = Date.now();
  const pending = runFile('loop.js');
  await waitFor('the session to be running', () => api.session(folder()).state === 'running');
  assert.equal(await vscode.commands.executeCommand('vmSystem.stop'), true);
  await pending;
  assert.ok(Date.now() - started < 4000, `stopped after ${Date.now() - started} ms (the cpu limit would take 5000)`);
  const { executions } = await api.request(ExecutionsList.type, { sessionId: api.session(folder()).sessionId!, limit: 1 });
  assert.equal(executions[0].path, 'loop.js');
  assert.equal(executions[0].status, 'cancelled');
  await waitFor('the session to be ready again', () => api.session(folder()).state === 'ready');
});

test('prompt() asks through an input box', async () => {
  // Accept the input box (empty answer) as soon as it is up.
  const result = await accepting(runFile('prompt.js'));
  assert.equal(result?.status, 'ok');
  assert.deepEqual(consoleTexts(result), ['hi ']);
});

test('Toggle Watch re-runs the file on save and refreshes the inline value', async () => {
  await open('watched.js');
  assert.equal(await vscode.commands.executeCommand('vmSystem.toggleWatch'), true);
  assert.deepEqual(api.watching().map((w) => w.path), ['watched.js']);
  await waitFor('the first watch run', () => api.inlineResults(file('watched.js')).some((a) => a.text === '⇒ 42'));
  const original = readFileSync(file('watched.js').fsPath, 'utf8');
  await rewrite('watched.js', original.replace('var factor = 2', 'var factor = 3'));
  await waitFor('the re-run after the save', () => api.inlineResults(file('watched.js')).some((a) => a.text === '⇒ 63'));
  assert.equal(await vscode.commands.executeCommand('vmSystem.toggleWatch'), false);
  assert.deepEqual(api.watching(), []);
  await rewrite('watched.js', original);
}, 45000);

test('Restart Session gives a fresh runtime, with or without replaying history', async () => {
  await rewrite('scratch.js', 'var kept = 7;\nkept;\ntypeof kept;\n');
  await select('scratch.js', 'var kept = 7;');
  await vscode.commands.executeCommand('vmSystem.runSelection');
  // The replay re-runs prompt.js too, which asks again.
  assert.equal(await accepting(vscode.commands.executeCommand('vmSystem.restartSession', { replay: true })), 'ready');
  await select('scratch.js', 'kept;');
  assert.equal((await vscode.commands.executeCommand<ExecutionWithEvents>('vmSystem.runSelection')).result?.preview, '7');
  assert.equal(await vscode.commands.executeCommand('vmSystem.restartSession', { replay: false }), 'ready');
  await select('scratch.js', 'typeof kept;');
  assert.equal((await vscode.commands.executeCommand<ExecutionWithEvents>('vmSystem.runSelection')).result?.json, 'undefined');
}, 60000);

test('Select Template: new sessions come from the chosen template', async () => {
  await api.request(TemplatesCreate.type, { name: 'other' });
  const before = api.session(folder()).sessionId;
  assert.equal(await vscode.commands.executeCommand('vmSystem.selectTemplate', 'other'), 'other');
  assert.equal(vscode.workspace.getConfiguration('vmSystem').get('template'), 'other');
  assert.equal((await runFile('hello.js'))?.status, 'ok');
  const after = api.session(folder());
  assert.equal(after.template, 'other');
  assert.notEqual(after.sessionId, before);
  await vscode.commands.executeCommand('vmSystem.selectTemplate', 'default');
});

test('Open REPL shows the panel', async () => {
  await vscode.commands.executeCommand('vmSystem.openRepl');
  await waitFor('the REPL tab', () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === 'VM System REPL')));
});

liveTests();

test('when the daemon dies it is restarted', async () => {
  const before = await api.request(OpsHealth.type, {});
  process.kill(before.pid, 'SIGKILL');
  await waitFor('the session to notice', () => api.session(folder()).state === 'stopped');
  const after = await waitFor('a new daemon', async () => {
    const h = await api.request(OpsHealth.type, {}).catch(() => undefined);
    return h && h.pid !== before.pid ? h : undefined;
  }, 30000);
  assert.equal(path.resolve(after.dbPath), path.resolve(before.dbPath));
}, 45000);

notebookTests();

export function run(): Promise<void> {
  return runAll();
}
