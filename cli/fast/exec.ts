/**
 * `vm-system exec repl SESSION CODE`, the hot path: a few hundred lines of
 * dependencies (no commander, no zod, no vscode-jsonrpc) between process
 * start and the request, so a warm shared daemon answers at about the cost of
 * starting node. main.ts takes this path when the arguments are plain and the
 * daemon's socket answers; otherwise the full program handles the command
 * (help, usage errors, starting the daemon) and comes back here to run it.
 */
import { parseArgs } from 'node:util';
import type { Event, ExecutionWithEvents } from '../../server/protocol';
import { ConnectionLost, RawClient, RpcError } from '../daemon/raw-client';
import { resolveDbPath, socketPathOf } from '../daemon/paths';
import { connectSocket } from '../../client/socket';
import { EXIT } from '../exit-codes';
import { CODE_FAILURES, printCodeFailure, printExecution } from '../execution-output';
import { colorsWanted, paintFor } from '../format/color';
import { EventPrinter, outOf } from '../render';
import { processTerminal, type Terminal } from '../terminal';

export interface ExecReplArgs { dbPath: string; sessionId: string; code: string; json: boolean }

/** `[--db P] [--json] exec repl [--db P] [--json] SESSION CODE`, nothing else; undefined sends the command down the full path. */
export function parseFastExecRepl(argv: string[], env: NodeJS.ProcessEnv = process.env): ExecReplArgs | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { db: { type: 'string' }, json: { type: 'boolean' } } });
  } catch {
    return undefined; // an option of another command, --help, a missing value: the full program says what it means
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 4 || positionals[0] !== 'exec' || positionals[1] !== 'repl' || positionals[3] === '-') return undefined;
  return { dbPath: resolveDbPath(values.db, env), sessionId: positionals[2], code: positionals[3], json: values.json === true };
}

/** Runs the command when the daemon's socket answers; undefined when no daemon runs. */
export async function tryFastExecRepl(args: ExecReplArgs): Promise<number | undefined> {
  // A socket it must not use (docs/security.md) is explained by the full program.
  const socket = await connectSocket(socketPathOf(args.dbPath)).catch(() => undefined);
  if (!socket) return undefined;
  return execRepl(new RawClient(socket), args);
}

/** One `executions/repl` on an attached daemon; answers the exit code. */
export function execRepl(client: RawClient, args: ExecReplArgs, term: Terminal = processTerminal): Promise<number> {
  return runExecution(client, 'executions/repl', { sessionId: args.sessionId, input: args.code }, args.json, term);
}

/**
 * One `executions/repl` or `executions/runFile`: streams its events as they
 * come (or prints the execution as JSON), Ctrl-C cancels it; answers the exit
 * code (0 ok, 1 the code failed, 2 a protocol error, 3 connection lost).
 */
export async function runExecution(
  client: RawClient, method: 'executions/repl' | 'executions/runFile', params: Record<string, unknown>, json: boolean, term: Terminal = processTerminal,
): Promise<number> {
  const printer = new EventPrinter(outOf(term), {
    outPaint: paintFor(colorsWanted(term.stdout, term.env)), errPaint: paintFor(colorsWanted(term.stderr, term.env)),
  });
  if (!json) {
    client.onNotification((method, params) => {
      if (method === 'executions/event') printer.print((params as { event: Event }).event);
    });
  }
  let requestId: number | undefined;
  let interrupts = 0;
  const offInterrupt = term.onInterrupt(() => {
    if (++interrupts > 1 || requestId === undefined) { client.close(); term.exit(130); return; }
    client.notify('$/cancelRequest', { id: requestId });
  });
  try {
    await client.request('initialize', { processId: process.pid, clientInfo: { name: 'vm-system-cli' } });
    const execution = await client.request<ExecutionWithEvents>(method, params, (id) => { requestId = id; });
    return printExecution(execution, json, printer, term);
  } catch (error) {
    return await reportFailure(client, error, json, term);
  } finally {
    offInterrupt();
    client.close();
  }
}

async function reportFailure(client: RawClient, error: unknown, json: boolean, term: Terminal): Promise<number> {
  if (error instanceof RpcError) {
    const code = error.data?.code ?? String(error.code);
    if (!CODE_FAILURES.has(code)) {
      term.stderr.write(`vm-system: ${code}: ${error.message}\n`);
      return EXIT.USAGE;
    }
    return printCodeFailure({ code, message: error.message, executionId: error.data?.details?.executionId }, json, term, async (executionId) => {
      const execution = await client.request<Record<string, unknown>>('executions/get', { executionId }).catch(() => undefined);
      const page = await client.request<{ events: Event[] }>('executions/events', { executionId, limit: 10000 }).catch(() => undefined);
      return execution && { ...execution, events: page?.events ?? [] };
    });
  }
  if (error instanceof ConnectionLost) {
    term.stderr.write('vm-system: the daemon closed the connection\n');
    return EXIT.UNREACHABLE;
  }
  throw error;
}
