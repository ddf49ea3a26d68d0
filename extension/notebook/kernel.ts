/**
 * The "VM System" notebook controller for `.ipynb` notebooks (VS Code's
 * built-in `jupyter-notebook` type) in JavaScript or TypeScript. Cells run one
 * after another as REPL input (`executions/repl`, types stripped from
 * TypeScript cells) in the notebook's session; their events stream in through
 * the ExecutionHub and become outputs as they arrive. Interrupt cancels the
 * running cell and the queued ones, the session keeps its state.
 */
import * as vscode from 'vscode';
import { ExecutionsCancel, ExecutionsGet, ExecutionsRepl, errorCodeOf, type Execution, type Event } from '../../server/protocol';
import type { DaemonClient } from '../daemon-client';
import { describeError, reportError } from '../errors';
import type { ExecutionHub, Run, RunSink } from '../execution-hub';
import { oneLine } from '../format';
import { selectionInput } from '../selection-input';
import { NOTEBOOK_LANGUAGES, endNote, outputPart, prefersVmSystem, type OutputPart } from './outputs';
import { NotebookSessions, RunDeclined } from './sessions';

export const CONTROLLER_ID = 'vmSystem.notebook';
const NOTEBOOK_TYPE = 'jupyter-notebook';

/** One cell being run: its VS Code execution and where its next stream text goes. */
interface CellRun {
  execution: vscode.NotebookCellExecution;
  label: string;
  /** The output that the last stream part went to (the next part of the same stream joins it). */
  stream?: { name: 'stdout' | 'stderr'; output: vscode.NotebookCellOutput };
  hadError: boolean;
  cts: vscode.CancellationTokenSource;
  /** Interrupted before the execution had an id: cancel it as soon as the id is known. */
  cancelWhenKnown: boolean;
}

interface NotebookState {
  order: number;
  /** Bumped by Interrupt and Restart: runs queued before it stop. */
  generation: number;
  queue: Promise<void>;
  current?: { run: Run; cell: CellRun };
}

export class NotebookKernel implements RunSink, vscode.Disposable {
  readonly controller: vscode.NotebookController;
  readonly sessions: NotebookSessions;
  private readonly states = new Map<string, NotebookState>();
  private readonly cellRuns = new Map<number, CellRun>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly daemon: DaemonClient, private readonly hub: ExecutionHub) {
    this.sessions = new NotebookSessions(daemon);
    const c = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'VM System');
    c.supportedLanguages = NOTEBOOK_LANGUAGES;
    c.supportsExecutionOrder = true;
    c.description = 'JavaScript/TypeScript in a durable vm-system session';
    c.detail = 'State survives interrupts; restart can replay the history';
    c.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    c.interruptHandler = (notebook) => this.interrupt(notebook);
    this.controller = c;
    hub.addSink(this);
    this.disposables.push(
      c, this.sessions,
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.prefer(nb)),
      vscode.commands.registerCommand('vmSystem.restartNotebook', (arg?: { replay?: boolean; notebook?: vscode.Uri }) => this.restart(arg).catch((err) => { reportError(err); return undefined; })),
    );
    for (const nb of vscode.workspace.notebookDocuments) this.prefer(nb);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  // ---- RunSink: events of the cells this kernel runs become their outputs ----

  event(run: Run, event: Event): void {
    const cell = this.cellRuns.get(run.id);
    if (!cell) return;
    if (cell.cancelWhenKnown && run.executionId) void this.cancelExecution(run, cell);
    const part = outputPart(event, cell.label);
    if (part) this.write(cell, part);
  }

  // ---- execution ----

  private prefer(nb: vscode.NotebookDocument): void {
    if (nb.notebookType === NOTEBOOK_TYPE && prefersVmSystem(nb.metadata)) {
      this.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private state(nb: vscode.NotebookDocument): NotebookState {
    const key = nb.uri.toString();
    let s = this.states.get(key);
    if (!s) {
      // Continue the numbering a reopened notebook shows.
      const order = Math.max(0, ...nb.getCells().map((c) => c.executionSummary?.executionOrder ?? 0));
      s = { order, generation: 0, queue: Promise.resolve() };
      this.states.set(key, s);
    }
    return s;
  }

  private execute(cells: vscode.NotebookCell[], nb: vscode.NotebookDocument): Promise<void> {
    const s = this.state(nb);
    const generation = s.generation;
    const next = s.queue.then(() => this.runCells(cells, nb, s, generation));
    s.queue = next.catch(() => undefined);
    return next;
  }

  private async runCells(cells: vscode.NotebookCell[], nb: vscode.NotebookDocument, s: NotebookState, generation: number): Promise<void> {
    let sessionId: string;
    try {
      sessionId = await this.sessions.ensure(nb);
    } catch (err) {
      if (!(err instanceof RunDeclined)) reportError(err);
      return;
    }
    for (const cell of cells) {
      if (s.generation !== generation) return;
      if (cell.kind !== vscode.NotebookCellKind.Code || cell.document.getText().trim() === '') continue;
      const ok = await this.runCell(cell, nb, s, sessionId);
      // Like Jupyter: a failing cell stops the cells queued after it.
      if (!ok) return;
    }
  }

  private async runCell(cell: vscode.NotebookCell, nb: vscode.NotebookDocument, s: NotebookState, sessionId: string): Promise<boolean> {
    const execution = this.controller.createNotebookCellExecution(cell);
    execution.executionOrder = ++s.order;
    execution.start(Date.now());
    const text = cell.document.getText();
    // Output updates are not awaited: VS Code batches them in order, and end() flushes them first.
    void execution.clearOutput();
    const cr: CellRun = {
      execution, label: `Cell [${s.order}]`, hadError: false,
      cts: new vscode.CancellationTokenSource(), cancelWhenKnown: false,
    };
    const run = this.hub.begin({ sessionId, folder: nb.uri.toString(), kind: 'repl', origin: 'repl', title: oneLine(text, 60) });
    this.cellRuns.set(run.id, cr);
    s.current = { run, cell: cr };
    let result: Execution | undefined;
    let interrupted = false;
    try {
      const input = await selectionInput(text, cell.document.languageId);
      const answer = await this.daemon.request(ExecutionsRepl.type, { sessionId, input, queue: true }, cr.cts.token);
      this.hub.finish(run, answer);
      result = run.execution;
    } catch (err) {
      result = await this.finalExecution(run, err);
      this.hub.fail(run, err, result);
      if (!result && errorCodeOf(err) !== 'REQUEST_CANCELLED') this.write(cr, { kind: 'stream', stream: 'stderr', text: `${describeError(err)}\n` });
      if (errorCodeOf(err) === 'SESSION_NOT_READY' || errorCodeOf(err) === 'SESSION_NOT_FOUND') this.sessions.forget(nb);
    } finally {
      interrupted = cr.cts.token.isCancellationRequested;
      this.cellRuns.delete(run.id);
      if (s.current?.run === run) s.current = undefined;
      cr.cts.dispose();
    }
    const note = endNote(interrupted ? { status: 'cancelled' } : result, cr.hadError);
    if (note) this.write(cr, note);
    const ok = result?.status === 'ok';
    execution.end(ok, Date.now());
    return ok;
  }

  private write(cr: CellRun, part: OutputPart): void {
    const x = cr.execution;
    if (part.kind === 'stream') {
      const item = part.stream === 'stdout' ? vscode.NotebookCellOutputItem.stdout(part.text) : vscode.NotebookCellOutputItem.stderr(part.text);
      const joined = cr.stream?.name === part.stream ? cr.stream.output : undefined;
      if (joined) {
        void x.appendOutputItems(item, joined);
      } else {
        const output = new vscode.NotebookCellOutput([item]);
        cr.stream = { name: part.stream, output };
        void x.appendOutput(output);
      }
      return;
    }
    cr.stream = undefined;
    let output: vscode.NotebookCellOutput;
    if (part.kind === 'error') {
      cr.hadError = true;
      const error = Object.assign(new Error(part.message), { name: part.name, stack: part.stack });
      output = new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]);
    } else {
      output = new vscode.NotebookCellOutput(
        part.items.map((i) => (typeof i.data === 'string' ? vscode.NotebookCellOutputItem.text(i.data, i.mime) : new vscode.NotebookCellOutputItem(i.data, i.mime))),
        part.metadata);
    }
    void x.appendOutput(output);
  }

  /** Interrupt: the running cell is cancelled (the session keeps its state), the queued ones do not run. */
  private async interrupt(nb: vscode.NotebookDocument): Promise<void> {
    const s = this.state(nb);
    s.generation++;
    const current = s.current;
    if (!current) return;
    current.cell.cts.cancel();
    await this.cancelExecution(current.run, current.cell);
  }

  /** `$/cancelRequest` alone can reach the daemon before it registered the execution: `executions/cancel` once the id is known. */
  private async cancelExecution(run: Run, cell: CellRun): Promise<void> {
    if (!run.executionId) {
      cell.cancelWhenKnown = true;
      return;
    }
    cell.cancelWhenKnown = false;
    await this.daemon.request(ExecutionsCancel.type, { executionId: run.executionId }).catch(() => undefined);
  }

  private async finalExecution(run: Run, err: unknown): Promise<Execution | undefined> {
    const details = (err as { data?: { details?: { executionId?: string } } }).data?.details;
    const id = details?.executionId ?? run.executionId;
    if (!id || !this.daemon.running) return undefined;
    return this.daemon.request(ExecutionsGet.type, { executionId: id }).catch(() => undefined);
  }

  /** `VM System: Restart Notebook Session`: a fresh runtime, with or without replaying what ran. */
  private async restart(arg?: { replay?: boolean; notebook?: vscode.Uri }): Promise<string | undefined> {
    const nb = arg?.notebook
      ? vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === arg.notebook!.toString())
      : vscode.window.activeNotebookEditor?.notebook;
    if (!nb) throw new Error('open a notebook first');
    let replay = arg?.replay;
    if (replay === undefined) {
      const pick = await vscode.window.showQuickPick([
        { label: 'Restart', detail: 'A fresh runtime: every variable is gone', replay: false },
        { label: 'Restart and Replay', detail: 'A fresh runtime that re-runs the cells that ran successfully, in order', replay: true },
      ], { title: 'VM System: restart the notebook\'s session' });
      if (!pick) return undefined;
      replay = pick.replay;
    }
    const s = this.state(nb);
    s.generation++;
    if (s.current) await this.interrupt(nb);
    await s.queue;
    const session = await this.sessions.restart(nb, replay);
    if (!replay) s.order = 0;
    return session.status;
  }
}
