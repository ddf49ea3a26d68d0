/**
 * Live mode in the real VS Code: typed, unsaved text runs on each change;
 * values of `//?`, diagnostics that come and go, coverage, cancellation.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VmSystemApi } from '../../../extension/extension';
import { test, waitFor } from './runner';

const api = () => vscode.extensions.getExtension<VmSystemApi>('vm-system.vm-system')!.exports;

async function liveEditor(): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'live.js');
  return vscode.window.showTextDocument(uri);
}

/** Replaces the whole text without saving and waits for the live run of exactly that text to be painted. */
async function typeAndWait(editor: vscode.TextEditor, text: string, what: string, ok: () => boolean, ms = 15000): Promise<void> {
  await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), text));
  await waitFor(what, ok, ms);
}

const errorsAt = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'vm-system').map((d) => d.range.start.line);

export function liveTests(): void {
  test('Toggle Live Mode: `const a = 6 * 7 //?` shows 42 at its line, unsaved', async () => {
    const editor = await liveEditor();
    const uri = editor.document.uri;
    assert.equal(await vscode.commands.executeCommand('vmSystem.toggleLive', true), true);
    assert.equal(api().live.enabled(), true);
    await typeAndWait(editor, '// Live mode fixture: typed into, never saved.\nconst a = 6 * 7 //?\nconsole.log("a is", a)\n', '42 at line 2',
      () => api().live.result(uri)?.annotations.some((a) => a.line === 1 && a.kind === 'value' && a.text === '42') === true);
    const shown = api().live.result(uri)!;
    assert.ok(shown.annotations.some((a) => a.line === 2 && a.kind === 'console' && a.text === 'a is 42'), JSON.stringify(shown.annotations));
    assert.ok(editor.document.isDirty, 'nothing was saved');
    const timing = api().live.timing()!;
    console.log(`[vms-e2e] live run ${timing.runMs.toFixed(1)} ms + paint ${timing.paintMs.toFixed(1)} ms`);
  });

  test('an error becomes a diagnostic at its line, and goes away once fixed', async () => {
    const editor = await liveEditor();
    const uri = editor.document.uri;
    await typeAndWait(editor, 'const a = 6 * 7 //?\nconst b = a.missing.deeper\nconsole.log(b)\n', 'a diagnostic at line 2',
      () => errorsAt(uri).includes(1));
    assert.equal(api().live.result(uri)?.threw, 1);
    await typeAndWait(editor, 'const a = 6 * 7 //?\nconst b = a + 1 //?\nconsole.log(b)\n', 'the diagnostic to go away',
      () => errorsAt(uri).length === 0 && api().live.result(uri)?.annotations.some((x) => x.line === 1 && x.text === '43') === true);
  });

  test('coverage: a branch that did not run is marked in the gutter', async () => {
    const editor = await liveEditor();
    const uri = editor.document.uri;
    await typeAndWait(editor, 'const n = 2\nif (n > 5) {\n  console.log("big")\n}\nn * 3 //?\n', 'coverage of the not-taken branch',
      () => api().live.result(uri)?.notRun.includes(2) === true);
    const r = api().live.result(uri)!;
    assert.ok(r.ran.includes(0) && r.ran.includes(4), JSON.stringify(r));
    assert.ok(r.annotations.some((a) => a.line === 4 && a.text === '6'));
  });

  test('each run starts from a clean runtime; a run still going is cancelled by the next edit', async () => {
    const editor = await liveEditor();
    const uri = editor.document.uri;
    await typeAndWait(editor, 'globalThis.count = (globalThis.count ?? 0) + 1\ncount //?\n', 'count is 1',
      () => api().live.result(uri)?.annotations.some((a) => a.line === 1 && a.text === '1') === true);
    await typeAndWait(editor, 'globalThis.count = (globalThis.count ?? 0) + 1\n// again\ncount //?\n', 'count is 1 again (line 3)',
      () => api().live.result(uri)?.annotations.some((a) => a.line === 2 && a.text === '1') === true);
    assert.deepEqual(api().live.result(uri)?.ran, [0, 2], 'the comment line is neither; the hidden reporter is not shown');
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), 'while (true) {}\n'));
    await new Promise((r) => setTimeout(r, 1200)); // the loop is running now (debounce 300 ms)
    const t0 = Date.now();
    await typeAndWait(editor, 'const done = "yes" //?\n', 'the next run despite the loop',
      () => api().live.result(uri)?.annotations.some((a) => a.line === 0 && a.text === "'yes'") === true, 10000);
    assert.ok(Date.now() - t0 < 10000);
  });

  test('turning live mode off clears what it showed', async () => {
    const editor = await liveEditor();
    assert.equal(await vscode.commands.executeCommand('vmSystem.toggleLive', false), false);
    assert.equal(api().live.result(editor.document.uri), undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
}
