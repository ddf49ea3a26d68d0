/** `vm-system exec …`: run code in a session and read its recorded history. */
import type { Command } from 'commander';
import { ExecutionsCancel, ExecutionsEvents, ExecutionsGet, ExecutionsList } from '../../server/protocol';
import { attachDaemon } from '../daemon/background';
import { RawClient } from '../daemon/raw-client';
import { CliExit, EXIT } from '../exit-codes';
import { RunLocally } from '../run-locally';
import { execRepl, runExecution } from '../fast/exec';
import { eventTable, executionDetail, executionTable } from '../format/sessions';
import { globalsOf, intOption, jsonObject, withDaemon } from '../kit';

export function registerExec(program: Command): void {
  const exec = program.command('exec')
    .summary('run code in a session; list and inspect executions')
    .description('executions: run code in a live session, list and inspect what ran');

  exec.command('repl')
    .description('evaluate code in a session (state persists between calls; top-level await works); prints console output and the value')
    .argument('<session>', 'session id')
    .argument('<code>', 'JavaScript source; "-" reads it from stdin')
    .action(async (sessionId: string, code: string, _opts: unknown, cmd: Command) => {
      const { dbPath, json, term } = globalsOf(cmd);
      // stdin stays with the process that has it: the native client runs this one with node.
      if (code === '-' && term.inDaemon) throw new RunLocally('exec repl - reads stdin');
      const input = code === '-' ? await readStdin() : code;
      const client = new RawClient((await attachDaemon(dbPath, { start: true, term }))!);
      const exit = await execRepl(client, { dbPath, sessionId, code: input, json }, term);
      if (exit !== EXIT.OK) throw new CliExit(exit);
    });

  exec.command('run-file')
    .description('run a worktree file (.js .mjs .ts .mts) in a session; prints console output and the value')
    .argument('<session>', 'session id')
    .argument('<path>', 'path relative to the session\'s worktree')
    .option('--args <json>', 'JSON object visible to the file as __ARGS__')
    .action(async (sessionId: string, file: string, opts: { args?: string }, cmd: Command) => {
      const { dbPath, json, term } = globalsOf(cmd);
      const args = jsonObject('--args', opts.args) ?? {};
      const client = new RawClient((await attachDaemon(dbPath, { start: true, term }))!);
      const exit = await runExecution(client, 'executions/runFile', { sessionId, path: file, args }, json, term);
      if (exit !== EXIT.OK) throw new CliExit(exit);
    });

  exec.command('list')
    .description('list the executions of a session, newest first')
    .argument('<session>', 'session id')
    .option('--limit <n>', 'how many (1..1000, default 50)', intOption(1, 1000))
    .action((sessionId: string, opts: { limit?: number }, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(ExecutionsList, { sessionId, limit: opts.limit }), (r, p) => executionTable(r.executions, p));
    }));

  exec.command('get')
    .description('show an execution')
    .argument('<id>', 'execution id')
    .action((executionId: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(ExecutionsGet, { executionId }), executionDetail);
    }));

  exec.command('events')
    .description('list the recorded events of an execution, in order')
    .argument('<id>', 'execution id')
    .option('--after-seq <n>', 'only events after this sequence number', intOption(0))
    .action((executionId: string, opts: { afterSeq?: number }, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(ExecutionsEvents, { executionId, afterSeq: opts.afterSeq }), (r, p) => eventTable(r.events, p));
    }));

  exec.command('cancel')
    .description('stop a running execution; prints it as it ends')
    .argument('<id>', 'execution id')
    .action((executionId: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(ExecutionsCancel, { executionId }), executionDetail);
    }));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
