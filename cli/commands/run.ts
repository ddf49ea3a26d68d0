/** `vm-system run FILE`: one file in a fresh session on the current directory, closed afterwards. */
import type { Command } from 'commander';
import { ExecutionEventNotification, ExecutionsRunFile, SessionsClose, SessionsCreate } from '../../server/protocol';
import { requireShared } from '../connect';
import { CliExit, EXIT } from '../exit-codes';
import { CancellationTokenSource, execute, withInterrupts } from '../execute';
import { stderrPaint, stdoutPaint } from '../format/color';
import { globalsOf, jsonObject, templateIdOf } from '../kit';
import { EventPrinter, outOf } from '../render';
import { toWorktreePath } from '../worktree-path';

interface RunOptions { template: string; args?: string }

export function registerRun(program: Command): void {
  program.command('run')
    .description('run one file in a fresh session whose worktree is the current directory, then close the session')
    .argument('<file>', 'file to run, relative to the current directory')
    .option('--template <name>', 'template to build the session from (name or id)', 'default')
    .option('--args <json>', 'JSON object visible to the file as __ARGS__')
    .action(async (file: string, opts: RunOptions, cmd: Command) => {
      const { dbPath, json, term } = globalsOf(cmd);
      const args = jsonObject('--args', opts.args) ?? {};
      // The shared daemon, started in the background when none runs: the next run finds it warm.
      const client = await requireShared(dbPath, term);
      let exit: number = EXIT.OK;
      let sessionId: string | undefined;
      const cleanup = async (): Promise<void> => {
        const id = sessionId;
        sessionId = undefined;
        if (id) await client.call(SessionsClose, { sessionId: id }).catch(() => undefined);
        await client.close();
      };
      try {
        const templateId = await templateIdOf(client.call, opts.template);
        const printer = new EventPrinter(outOf(term), { outPaint: stdoutPaint(term), errPaint: stderrPaint(term) });
        if (!json) client.connection.onNotification(ExecutionEventNotification.type, (n) => printer.print(n.event));
        const cancel = new CancellationTokenSource();
        exit = await withInterrupts(term, cancel, cleanup, async () => {
          sessionId = (await client.call(SessionsCreate, { templateId, worktreePath: term.cwd, closeWithConnection: true })).id;
          const id = sessionId;
          const target = toWorktreePath(file, term.cwd, term.cwd);
          const outcome = await execute(client, (token) => client.call(ExecutionsRunFile, { sessionId: id, path: target, args }, token),
            { json, printer, cancel, term });
          return outcome.exit;
        });
      } finally {
        await cleanup();
      }
      if (exit !== EXIT.OK) throw new CliExit(exit);
    });
}
