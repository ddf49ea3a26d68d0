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
import { colorsWanted } from './format/color';
import { runRemote, type RemoteCommand, type RemoteHost, type RemoteOutcome } from './remote';
import { RunLocally } from './run-locally';
import { bindTerminal, processTerminal, type Terminal } from './terminal';
import { version } from '../package.json';

const FOOTER = `
Environment:
  VM_SYSTEM_DB       database file (same as --db)
  VM_SYSTEM_IDLE_MS  idle period before a background daemon exits (default 300000)
  NO_COLOR           no colours (they are used on terminals only anyway)
  FORCE_COLOR        1, 2, 3 or true: colours even when not on a terminal; 0: none

Exit codes: 0 success, 1 the code ran and failed (exception, timeout, limit,
cancelled), 2 usage or protocol error (the message names the error code),
3 daemon unreachable.`;

/**
 * Commands that need this process's own terminal — stdin, signals, a TTY —
 * or manage daemons: the daemon never runs them for the native client (cli/remote.ts).
 */
const PROCESS_ONLY = new Set(['serve', 'daemon', 'repl', 'rpc', 'watch']);

export function buildProgram(term: Terminal = processTerminal): Command {
  const program = new Command('vm-system')
    .description('Keep sandboxed JavaScript runtimes alive and drive them from the terminal.\nClient commands share one background daemon per database, started on demand.')
    .version(version, '-V, --version', 'print the version')
    .option('--db <path>', 'database file (env VM_SYSTEM_DB; default $XDG_DATA_HOME/vm-system/vm-system.db)')
    .option('--json', 'machine output: one JSON document per result on stdout, nothing else')
    .helpOption('-h, --help', 'show help for a command')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => term.stdout.write(s),
      writeErr: (s) => term.stderr.write(s),
      // As commander's defaults: a terminal's width, else undefined (its typings say number; it falls back to 80).
      getOutHelpWidth: () => (term.stdout.isTTY ? term.stdout.columns : undefined) as number,
      getErrHelpWidth: () => (term.stderr.isTTY ? term.stderr.columns : undefined) as number,
      getOutHasColors: () => colorsWanted(term.stdout, term.env),
      getErrHasColors: () => colorsWanted(term.stderr, term.env),
    })
    .addHelpText('after', FOOTER);
  bindTerminal(program, term);
  if (term.inDaemon) {
    program.hook('preAction', (_program, action) => {
      let top = action;
      while (top.parent && top.parent !== program) top = top.parent;
      if (PROCESS_ONLY.has(top.name())) throw new RunLocally(`${top.name()} runs in a process of its own`);
    });
  }
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

/** Parses and runs one command line (argv as process.argv: node, script, args…); answers its exit code. */
export async function runProgram(argv: string[], term: Terminal = processTerminal): Promise<number> {
  try {
    await buildProgram(term).parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof RunLocally) throw error;
    return exitCodeFor(error, term);
  }
}

function exitCodeFor(error: unknown, term: Terminal): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE; // --help and --version exit 0
  }
  if (error instanceof CliExit) {
    if (error.message) term.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  const code = errorCodeOf(error);
  if (code) {
    term.stderr.write(`vm-system: ${code}: ${(error as Error).message}\n`);
    return EXIT.USAGE;
  }
  term.stderr.write(`vm-system: ${error instanceof Error ? error.message : String(error)}\n`);
  if (term.env.VM_SYSTEM_DEBUG && error instanceof Error) term.stderr.write(`${error.stack}\n`);
  return EXIT.UNREACHABLE;
}

/** The daemon loads this bundle (dist/cli-program.js) to run command lines for the native launcher (`cli/run`). */
export function runRemoteCommand(command: RemoteCommand, host: RemoteHost): Promise<RemoteOutcome> {
  return runRemote(command, host, runProgram);
}
