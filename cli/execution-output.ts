/**
 * What every execution command prints at its end — `run`, `exec repl`,
 * `exec run-file`, the REPL — whichever client it used (vscode-jsonrpc or the
 * fast path's raw one). Zod-free: the fast path imports it.
 */
import type { ExecutionWithEvents } from '../server/protocol';
import { EXIT } from './exit-codes';
import type { EventPrinter } from './render';
import type { Terminal } from './terminal';

/** Errors of an execution request that mean "the code ran and failed" (exit 1) rather than a protocol error. */
export const CODE_FAILURES: ReadonlySet<string> = new Set(['OUTPUT_LIMIT_EXCEEDED', 'REQUEST_CANCELLED']);

/** The answer: `--json` the execution as one document, else whatever of its events was not streamed; answers the exit code. */
export function printExecution(execution: ExecutionWithEvents, json: boolean, printer: EventPrinter, term: Terminal): number {
  if (json) term.stdout.write(`${JSON.stringify(execution)}\n`);
  else for (const event of execution.events) printer.print(event);
  return execution.status === 'ok' ? EXIT.OK : EXIT.CODE_FAILED;
}

/**
 * A code failure (CODE_FAILURES): `vm-system: CODE: message` on stderr and,
 * with `--json`, the partial execution — it stays queryable — as the result.
 * `partial` fetches it (the execution with its events) or answers undefined.
 */
export async function printCodeFailure(
  failure: { code: string; message: string; executionId: unknown }, json: boolean, term: Terminal,
  partial: (executionId: string) => Promise<Record<string, unknown> | undefined>,
): Promise<number> {
  term.stderr.write(`vm-system: ${failure.code}: ${failure.message}\n`);
  if (json && typeof failure.executionId === 'string') {
    const execution = await partial(failure.executionId).catch(() => undefined);
    if (execution) term.stdout.write(`${JSON.stringify(execution)}\n`);
  }
  return EXIT.CODE_FAILED;
}
