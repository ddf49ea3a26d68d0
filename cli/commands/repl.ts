/** `vm-system repl [--session ID | --template NAME]`: a REPL on a live session. */
import type { Command } from 'commander';
import { requireShared } from '../connect';
import { historyPathOf } from '../daemon/paths';
import { CliExit, EXIT } from '../exit-codes';
import { stderrPaint, stdoutPaint } from '../format/color';
import { globalsOf } from '../kit';
import { ReplEvaluator } from '../repl/evaluator';
import { runInteractive } from '../repl/interactive';
import { runPiped } from '../repl/piped';
import { openSessionScope, sessionOption, templateOption } from '../session-scope';

export function registerRepl(program: Command): void {
  program.command('repl')
    .summary('interactive REPL on a session (piped stdin works too)')
    .description('interactive REPL on a session (history with Ctrl-R search, multi-line input, .editor, .save/.load FILE, .clear, Tab completion, Ctrl-C cancels, .exit or Ctrl-D leaves; .help lists it all); with piped stdin it evaluates line by line and prints the results')
    .addOption(sessionOption())
    .addOption(templateOption())
    .action(async (opts: { session?: string; template: string }, cmd: Command) => {
      const { dbPath, json } = globalsOf(cmd);
      const client = await requireShared(dbPath);
      let exit: number = EXIT.OK;
      const scope = await openSessionScope(client, opts).catch(async (error: unknown) => { await client.close(); throw error; });
      const end = async (): Promise<void> => { await scope.close(); await client.close(); };
      const onTerm = (): void => { void end().finally(() => process.exit(143)); };
      process.on('SIGTERM', onTerm);
      process.on('SIGHUP', onTerm);
      try {
        const interactive = process.stdin.isTTY === true && !json;
        const outPaint = stdoutPaint();
        const evaluator = new ReplEvaluator(client, scope.session.id, json, { showUndefined: interactive, outPaint, errPaint: stderrPaint() });
        if (interactive) {
          await runInteractive(evaluator, { client, session: scope.session, created: scope.created, historyFile: historyPathOf(dbPath), paint: outPaint });
        } else {
          exit = await runPiped(evaluator, process.stdin);
        }
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGHUP', onTerm);
        await end();
      }
      if (exit !== EXIT.OK) throw new CliExit(exit);
    });
}
