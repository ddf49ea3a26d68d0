/**
 * The VM System notebook kernel in a real VS Code: VS Code's built-in ipynb
 * support opens the fixture `cells.ipynb`, the kernel runs its cells in a
 * daemon session, outputs are read back from the notebook model.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { ExecutionsList, OpsHealth, type Execution } from '../../../server/protocol';
import type { VmSystemApi } from '../../../extension/extension';
import { test, waitFor } from './runner';

const ERROR_MIME = 'application/vnd.code.notebook.error';
const folder = () => vscode.workspace.workspaceFolders![0];
const nbUri = (name: string) => vscode.Uri.joinPath(folder().uri, name);
const api = () => vscode.extensions.getExtension<VmSystemApi>('vm-system.vm-system')!.exports;

async function openNotebook(name: string): Promise<vscode.NotebookDocument> {
  const nb = await vscode.workspace.openNotebookDocument(nbUri(name));
  await vscode.window.showNotebookDocument(nb);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: 'vmSystem.notebook', extension: 'vm-system.vm-system' });
  return nb;
}

const codeCells = (nb: vscode.NotebookDocument) => nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
const sessionIdOf = (nb: vscode.NotebookDocument) => ((nb.metadata.metadata as { vmSystem?: { sessionId?: string } })?.vmSystem?.sessionId);

function items(cell: vscode.NotebookCell): Array<{ mime: string; text: string; data: Uint8Array }> {
  return cell.outputs.flatMap((o) => o.items.map((i) => ({ mime: i.mime, data: i.data, text: new TextDecoder().decode(i.data) })));
}
const textOf = (cell: vscode.NotebookCell, mime: string) => items(cell).filter((i) => i.mime === mime).map((i) => i.text).join('');

/** Runs the cells (all when no range) and waits until every one of them has finished. */
async function run(nb: vscode.NotebookDocument, range?: { start: number; end: number }, timeoutMs = 20000): Promise<void> {
  const cells = (range ? nb.getCells(new vscode.NotebookRange(range.start, range.end)) : codeCells(nb)).filter((c) => c.kind === vscode.NotebookCellKind.Code);
  const before = cells.map((c) => c.executionSummary?.timing?.endTime ?? 0);
  if (range) await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [range], document: nb.uri });
  else await vscode.commands.executeCommand('notebook.execute', nb.uri);
  await waitFor('the cells to finish', () => cells.every((c, i) => (c.executionSummary?.timing?.endTime ?? 0) > before[i]), timeoutMs);
}

async function appendCell(nb: vscode.NotebookDocument, source: string): Promise<number> {
  const index = nb.cellCount;
  const edit = new vscode.WorkspaceEdit();
  edit.set(nb.uri, [vscode.NotebookEdit.insertCells(index, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, 'javascript')])]);
  assert.ok(await vscode.workspace.applyEdit(edit));
  return index;
}

async function runNew(nb: vscode.NotebookDocument, source: string): Promise<vscode.NotebookCell> {
  const index = await appendCell(nb, source);
  await run(nb, { start: index, end: index + 1 });
  return nb.cellAt(index);
}

async function latestExecution(sessionId: string): Promise<Execution | undefined> {
  return (await api().request(ExecutionsList.type, { sessionId, limit: 1 })).executions[0];
}

/** Accepts the quick pick's first item whenever one is up, until `p` settles. */
async function acceptingPicks<T>(p: Thenable<T>): Promise<T> {
  let done = false;
  const settled = Promise.resolve(p).finally(() => { done = true; });
  await waitFor('the run to finish', async () => {
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return done;
  }, 30000);
  return settled;
}

export function notebookTests(): void {
  let sessionId: string | undefined;

  test('notebook: Run All renders console streams, a value, HTML, an image, a table, a TypeScript cell and the exception', async () => {
    const nb = await openNotebook('cells.ipynb');
    const started = Date.now();
    await run(nb, undefined, 30000);
    const [first, html, image, table, ts, fail] = codeCells(nb);
    assert.equal(textOf(first, 'application/vnd.code.notebook.stdout'), 'hello from a cell\n');
    assert.equal(textOf(first, 'application/vnd.code.notebook.stderr'), 'careful\n');
    assert.equal(textOf(first, 'text/plain'), '42');
    assert.match(textOf(html, 'text/html'), /<b class="shout">bold<\/b>/);
    const png = items(image).find((i) => i.mime === 'image/png');
    assert.deepEqual([...png!.data.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'PNG bytes, decoded from base64');
    assert.match(textOf(table, 'text/html'), /<table[\s\S]*ada[\s\S]*grace/);
    assert.equal(textOf(ts, 'text/plain'), '5');
    const error = JSON.parse(textOf(fail, ERROR_MIME)) as { name: string; message: string; stack: string };
    assert.equal(error.name, 'Error');
    assert.equal(error.message, 'boom');
    assert.match(error.stack, /at fail \(Cell \[6\], line 2:\d+\)/);
    assert.deepEqual(codeCells(nb).map((c) => c.executionSummary?.executionOrder), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(codeCells(nb).map((c) => c.executionSummary?.success), [true, true, true, true, true, false]);
    sessionId = sessionIdOf(nb);
    assert.ok(sessionId, 'the session id is in the notebook metadata');
    console.log(`[vms-e2e] notebook: 6 cells (first run, session start included) in ${Date.now() - started} ms`);
  }, 60000);

  test('notebook: Interrupt stops a while (true) {} cell and the state survives', async () => {
    const nb = await openNotebook('cells.ipynb');
    await runNew(nb, 'var counter = 1;');
    const loop = await appendCell(nb, 'counter++;\nwhile (true) {}');
    const started = Date.now();
    const pending = run(nb, { start: loop, end: loop + 1 });
    await waitFor('the loop to run', async () => (await latestExecution(sessionId!))?.status === 'running');
    await vscode.commands.executeCommand('notebook.cancelExecution');
    await pending;
    assert.ok(Date.now() - started < 4000, `interrupted after ${Date.now() - started} ms (the cpu limit would take 5000)`);
    assert.equal(nb.cellAt(loop).executionSummary?.success, false);
    assert.match(textOf(nb.cellAt(loop), 'application/vnd.code.notebook.stderr'), /Interrupted/);
    assert.equal((await latestExecution(sessionId!))?.status, 'cancelled');
    assert.equal(textOf(await runNew(nb, 'counter + " " + greeting'), 'text/plain'), '2 hello');
  }, 30000);

  test('notebook: prompt() in a cell asks through an input box', async () => {
    const nb = await openNotebook('cells.ipynb');
    const index = await appendCell(nb, "'[' + prompt('Who?') + ']'");
    await acceptingPicks(run(nb, { start: index, end: index + 1 }));
    assert.equal(textOf(nb.cellAt(index), 'text/plain'), '[]');
  }, 30000);

  test('notebook: closed and reopened, the outputs are there and a new cell sees the earlier variables', async () => {
    let nb = await openNotebook('cells.ipynb');
    assert.ok(await nb.save());
    assert.equal(nb.isDirty, false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // VS Code may keep the closed notebook's model a while (no guarantee it is disposed): then reading
    // the file again (revert) is what a later reopen would do.
    const closed = await waitFor('the notebook to close', () => nb.isClosed, 5000).catch(() => false);
    nb = await openNotebook('cells.ipynb');
    if (!closed) {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      console.log('[vms-e2e] notebook: still open after closing its editor; reverted it from the file');
    }
    assert.equal(sessionIdOf(nb), sessionId);
    const [first, html, image, , , fail] = codeCells(nb);
    assert.equal(textOf(first, 'text/plain'), '42');
    assert.match(textOf(html, 'text/html'), /bold/);
    assert.ok(items(image).some((i) => i.mime === 'image/png' && i.data[0] === 0x89));
    assert.match(textOf(fail, ERROR_MIME), /boom/);
    const cell = await runNew(nb, 'greeting.toUpperCase() + counter');
    assert.equal(textOf(cell, 'text/plain'), 'HELLO2');
    assert.ok((cell.executionSummary?.executionOrder ?? 0) > 6, 'the numbering continues');
  }, 30000);

  test('notebook: Restart Notebook Session, with and without replay', async () => {
    const nb = await openNotebook('cells.ipynb');
    // The replay re-runs the prompt() cell too, which asks again.
    assert.equal(await acceptingPicks(vscode.commands.executeCommand('vmSystem.restartNotebook', { replay: true })), 'ready');
    assert.equal(textOf(await runNew(nb, 'greeting'), 'text/plain'), 'hello');
    assert.equal(await vscode.commands.executeCommand('vmSystem.restartNotebook', { replay: false }), 'ready');
    assert.equal(textOf(await runNew(nb, 'typeof greeting'), 'text/plain'), 'undefined');
    await runNew(nb, 'const survives = "the daemon restart";');
    assert.equal(sessionIdOf(nb), sessionId, 'a restart keeps the session id');
  }, 45000);

  test('notebook: after a daemon restart a run offers to restore the session by replaying it', async () => {
    const nb = await openNotebook('cells.ipynb');
    const before = await api().request(OpsHealth.type, {});
    process.kill(before.pid, 'SIGKILL');
    await waitFor('a new daemon', async () => {
      const h = await api().request(OpsHealth.type, {}).catch(() => undefined);
      return h && h.pid !== before.pid;
    }, 30000);
    const index = await appendCell(nb, 'survives');
    await acceptingPicks(run(nb, { start: index, end: index + 1 }, 30000));
    assert.equal(textOf(nb.cellAt(index), 'text/plain'), 'the daemon restart');
    assert.equal(sessionIdOf(nb), sessionId);
  }, 60000);

  test('notebook: 20 cells run all', async () => {
    const cells = Array.from({ length: 20 }, (_, i) => ({
      cell_type: 'code', execution_count: null, metadata: {}, outputs: [],
      source: [i === 0 ? 'let total = 0;' : `total += ${i};\nconsole.log('cell ${i}');\ntotal`],
    }));
    writeFileSync(nbUri('twenty.ipynb').fsPath, JSON.stringify({ cells, metadata: { language_info: { name: 'javascript' } }, nbformat: 4, nbformat_minor: 5 }));
    const nb = await openNotebook('twenty.ipynb');
    await runNew(nb, '"warm-up: the session exists"');
    const started = Date.now();
    await run(nb, { start: 0, end: 20 });
    const ms = Date.now() - started;
    assert.equal(textOf(nb.cellAt(19), 'text/plain'), String((19 * 20) / 2));
    assert.ok(codeCells(nb).slice(0, 20).every((c) => c.executionSummary?.success === true));
    console.log(`[vms-e2e] notebook: 20 cells ran in ${ms} ms`);
  }, 30000);
}
