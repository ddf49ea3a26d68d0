import type { Command } from 'commander';
import {
  errorCodeOf, ExecutionEventNotification, ExecutionsRunFile, SessionsClose, SessionsCreate, TemplatesList,
  type ExecutionWithEvents,
} from '../../server/protocol';
import { connectDaemon, resolveDbPath } from '../connect';
import { CliExit, EXIT } from '../exit-codes';
import { EventPrinter, processOut } from '../render';

interface RunOptions { template?: string; args?: string; json?: boolean }

export function registerRun(program: Command): void {
  program.command('run')
    .description('run one file in a fresh session whose worktree is the current directory')
    .argument('<file>', 'file to run, relative to the current directory')
    .option('--template <name>', 'template to build the session from', 'default')
    .option('--args <json>', 'JSON object visible to the file as __ARGS__')
    .action(async (file: string, opts: RunOptions, cmd: Command) => {
      const json = Boolean(cmd.optsWithGlobals().json);
      const args = parseArgs(opts.args);
      const client = await connectDaemon(resolveDbPath(cmd.optsWithGlobals().db));
      const { connection } = client;
      let code: number = EXIT.OK;
      try {
        const template = (await connection.sendRequest(TemplatesList.type, { name: opts.template })).templates.at(-1);
        if (!template) throw new CliExit(EXIT.USAGE, `vm-system: TEMPLATE_NOT_FOUND: no template named "${opts.template}"`);
        const printer = new EventPrinter(processOut);
        if (!json) connection.onNotification(ExecutionEventNotification.type, (n) => printer.print(n.event));
        const session = await connection.sendRequest(SessionsCreate.type, { templateId: template.id, worktreePath: process.cwd() });
        try {
          let execution: ExecutionWithEvents | undefined;
          try {
            execution = await connection.sendRequest(ExecutionsRunFile.type, { sessionId: session.id, path: file, args });
          } catch (error) {
            if (errorCodeOf(error) !== 'OUTPUT_LIMIT_EXCEEDED') throw error;
            code = EXIT.CODE_FAILED;
            process.stderr.write(`vm-system: OUTPUT_LIMIT_EXCEEDED: ${(error as Error).message}\n`);
          }
          if (execution) {
            if (json) process.stdout.write(`${JSON.stringify(execution)}\n`);
            else for (const event of execution.events) printer.print(event);
            code = execution.status === 'ok' ? EXIT.OK : EXIT.CODE_FAILED;
          }
        } finally {
          await connection.sendRequest(SessionsClose.type, { sessionId: session.id }).catch(() => undefined);
        }
      } finally {
        await client.close();
      }
      if (code !== EXIT.OK) throw new CliExit(code);
    });
}

function parseArgs(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch { /* reported below */ }
  throw new CliExit(EXIT.USAGE, 'vm-system: --args must be a JSON object, e.g. --args \'{"n": 3}\'');
}
