/** Evaluates REPL input in the session, one at a time; Ctrl-C cancels the running one. */
import { errorCodeOf, ExecutionEventNotification, ExecutionsRepl } from '../../server/protocol';
import type { DaemonClient } from '../connect';
import { CliExit, EXIT } from '../exit-codes';
import { CancellationTokenSource, execute } from '../execute';
import { stderrPaint } from '../format/color';
import { EventPrinter, processOut, type RenderOptions } from '../render';
import { processTerminal } from '../terminal';

export class ReplEvaluator {
  private running?: CancellationTokenSource;
  private readonly printer: EventPrinter;

  constructor(private readonly client: DaemonClient, private readonly sessionId: string, private readonly json: boolean, render: RenderOptions) {
    this.printer = new EventPrinter(processOut, render);
    if (!json) client.connection.onNotification(ExecutionEventNotification.type, (n) => this.printer.print(n.event));
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Answers the exit code of this input: 0 ok, 1 the code failed, 2 a protocol error (printed, the REPL goes on). */
  async evaluate(input: string): Promise<number> {
    const cancel = new CancellationTokenSource();
    this.running = cancel;
    try {
      const outcome = await execute(this.client,
        (token) => this.client.call(ExecutionsRepl, { sessionId: this.sessionId, input, queue: true }, token),
        { json: this.json, printer: this.printer, cancel, cancelLineOnly: true, term: processTerminal });
      return outcome.exit;
    } catch (error) {
      if (error instanceof CliExit) throw error;
      const code = errorCodeOf(error);
      if (!code) throw error;
      process.stderr.write(`${stderrPaint().red(`vm-system: ${code}: ${(error as Error).message}`)}\n`);
      return EXIT.USAGE;
    } finally {
      this.running = undefined;
      cancel.dispose();
    }
  }

  /** Cancels the running execution; false when none runs. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.cancel();
    return true;
  }
}
