/**
 * One execution request over a vscode-jsonrpc client (run, repl): prints it
 * (or its JSON) and turns the outcome into an exit code. Events are printed by
 * the caller's notification handler as they come; the final answer fills in
 * whatever was not streamed.
 */
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc/node';
import { errorCodeOf, ExecutionsEvents, ExecutionsGet, type ExecutionWithEvents } from '../server/protocol';
import type { DaemonClient } from './connect';
import { EXIT } from './exit-codes';
import { CODE_FAILURES, printCodeFailure, printExecution } from './execution-output';
import type { EventPrinter } from './render';
import type { Terminal } from './terminal';

export interface Outcome {
  exit: number;
  execution?: ExecutionWithEvents;
}

export async function execute(
  client: DaemonClient,
  send: (token: CancellationToken) => Promise<ExecutionWithEvents>,
  options: {
    json: boolean; printer: EventPrinter; cancel: CancellationTokenSource; term: Terminal;
    /**
     * A cancel reported once, by the execution's own `[vm-system] Execution
     * cancelled` line (the interactive REPL); otherwise (run, exec: scripts
     * read it) the error code follows on stderr too.
     */
    cancelLineOnly?: boolean;
  },
): Promise<Outcome> {
  try {
    const execution = await send(options.cancel.token);
    return { exit: printExecution(execution, options.json, options.printer, options.term), execution };
  } catch (error) {
    const code = errorCodeOf(error);
    if (!code || !CODE_FAILURES.has(code)) throw error;
    const executionId = (error as { data?: { details?: { executionId?: unknown } } }).data?.details?.executionId;
    if (code === 'REQUEST_CANCELLED' && options.cancelLineOnly && !options.json && typeof executionId === 'string'
      && await printedItsEnd(client, options.printer, executionId)) return { exit: EXIT.CODE_FAILED };
    const exit = await printCodeFailure({ code, message: (error as Error).message, executionId }, options.json, options.term, async (id) => {
      const execution = await client.call(ExecutionsGet, { executionId: id }).catch(() => undefined);
      const page = await client.call(ExecutionsEvents, { executionId: id, limit: 10000 }).catch(() => undefined);
      return execution && { ...execution, events: page?.events ?? [] };
    });
    return { exit };
  }
}

/** Prints what was not streamed of a cancelled execution; true when its `system` line (the cancel) is among what was printed. */
async function printedItsEnd(client: DaemonClient, printer: EventPrinter, executionId: string): Promise<boolean> {
  const afterSeq = printer.lastPrinted(executionId)?.seq ?? 0;
  const page = await client.call(ExecutionsEvents, { executionId, afterSeq, limit: 10000 }).catch(() => undefined);
  for (const event of page?.events ?? []) printer.print(event);
  return printer.lastPrinted(executionId)?.type === 'system';
}

export { CancellationTokenSource };

/**
 * While `fn` runs: the first Ctrl-C cancels (`$/cancelRequest` through the
 * token), a second one leaves at once; SIGTERM/SIGHUP run `cleanup` and leave.
 */
export async function withInterrupts<T>(term: Terminal, cancel: CancellationTokenSource, cleanup: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  let interrupts = 0;
  const offInt = term.onInterrupt(() => {
    if (++interrupts > 1) void cleanup().catch(() => undefined).finally(() => term.exit(130));
    else cancel.cancel();
  });
  const offTerm = term.onTerminate(() => { void cleanup().catch(() => undefined).finally(() => term.exit(143)); });
  try {
    return await fn();
  } finally {
    offInt();
    offTerm();
  }
}
