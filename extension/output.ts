/** The `VM System` output channel: one block per run (header, events, footer). */
import * as vscode from 'vscode';
import { describeError } from './errors';
import type { Run, RunSink } from './execution-hub';
import { eventLines, footerLine, headerLine } from './format';

export class OutputSink implements RunSink, vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('VM System');

  begin(run: Run): void {
    // Runs started from a command bring the channel up (without taking focus);
    // watch and REPL-panel runs have their own place to show.
    if (run.meta.origin === 'command') this.channel.show(true);
    // REPL input is echoed by its input_echo event; a file gets a header.
    if (run.meta.kind !== 'repl') {
      this.channel.appendLine(headerLine(run.meta.title, [run.meta.origin === 'watch' ? 'watch' : undefined, run.meta.template]).text);
    }
  }

  event(run: Run, event: Parameters<NonNullable<RunSink['event']>>[1]): void {
    for (const line of eventLines(event, run.meta.kind)) this.channel.appendLine(line.text);
  }

  end(run: Run): void {
    if (run.execution) this.channel.appendLine(footerLine(run.execution).text);
    if (run.error !== undefined) this.channel.appendLine(`✗ ${describeError(run.error)}`);
    this.channel.appendLine('');
  }

  dispose(): void {
    this.channel.dispose();
  }
}
