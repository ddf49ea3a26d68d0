/**
 * `vm-system`: the command line. Every command but `serve` is a client of a
 * daemon; this file only assembles the commands and turns failures into the
 * exit codes of ../shared/CLI.md.
 */
import { Command, CommanderError } from 'commander';
import { errorCodeOf } from '../server/protocol';
import { registerRun } from './commands/run';
import { registerServe } from './commands/serve';
import { CliExit, EXIT } from './exit-codes';
import { version } from '../package.json';

export function buildProgram(): Command {
  const program = new Command('vm-system')
    .description('Keep sandboxed JavaScript runtimes alive and drive them from the terminal')
    .version(version)
    .option('--db <path>', 'database file (env VM_SYSTEM_DB; default in the user data directory)')
    .option('--json', 'machine output: one JSON document per result')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerRun(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
    return;
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE; // --help, --version exit 0
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
  return EXIT.UNREACHABLE;
}

void main(process.argv);
