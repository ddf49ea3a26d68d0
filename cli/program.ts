/**
 * The command tree of ../shared/CLI.md, assembled with commander, and the
 * one place failures become exit codes (0 ok, 1 the code failed, 2 usage or
 * protocol error, 3 daemon unreachable).
 */
import { Command, CommanderError } from 'commander';
import { errorCodeOf } from '../server/protocol';
import { registerDaemon } from './commands/daemon';
import { registerExec } from './commands/exec';
import { registerLibs, registerOps } from './commands/ops';
import { registerRepl } from './commands/repl';
import { registerRpc } from './commands/rpc';
import { registerRun } from './commands/run';
import { registerServe } from './commands/serve';
import { registerSession } from './commands/session';
import { registerTemplate } from './commands/template';
import { registerWatch } from './commands/watch';
import { CliExit, EXIT } from './exit-codes';
import { version } from '../package.json';

const FOOTER = `
Environment:
  VM_SYSTEM_DB       database file (same as --db)
  VM_SYSTEM_IDLE_MS  idle period before a background daemon exits (default 300000)
  NO_COLOR           no colours (they are used on terminals only anyway)

Exit codes: 0 success, 1 the code ran and failed (exception, timeout, limit,
cancelled), 2 usage or protocol error (the message names the error code),
3 daemon unreachable.`;

export function buildProgram(): Command {
  const program = new Command('vm-system')
    .description('Keep sandboxed JavaScript runtimes alive and drive them from the terminal.\nClient commands share one background daemon per database, started on demand.')
    .version(version, '-V, --version', 'print the version')
    .option('--db <path>', 'database file (env VM_SYSTEM_DB; default $XDG_DATA_HOME/vm-system/vm-system.db)')
    .option('--json', 'machine output: one JSON document per result on stdout, nothing else')
    .helpOption('-h, --help', 'show help for a command')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', FOOTER);
  registerRun(program);
  registerRepl(program);
  registerWatch(program);
  registerRpc(program);
  registerTemplate(program);
  registerSession(program);
  registerExec(program);
  registerOps(program);
  registerLibs(program);
  registerDaemon(program);
  registerServe(program);
  return program;
}

/** Parses and runs one command line; answers its exit code. */
export async function runProgram(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE; // --help and --version exit 0
  }
  if (error instanceof CliExit) {
    if (error.message) process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  const code = errorCodeOf(error);
  if (code) {
    process.stderr.write(`vm-system: ${code}: ${(error as Error).message}\n`);
    return EXIT.USAGE;
  }
  process.stderr.write(`vm-system: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.VM_SYSTEM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.UNREACHABLE;
}
