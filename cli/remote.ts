/**
 * A command line the daemon runs for the native launcher (`cli/run`,
 * server/protocol/cli-run.ts): the same program as `node bin/vm-system.js`,
 * with a terminal whose writes go back to the launcher and whose daemon is
 * the one running it, reached in-process. Output, colours, `--json` and exit
 * codes are therefore the JavaScript CLI's by construction.
 */
import type { Duplex } from 'node:stream';
import { RunLocally } from './run-locally';
import type { Terminal, TerminalStream } from './terminal';

export interface RemoteCommand {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdout: { isTTY: boolean; columns?: number };
  stderr: { isTTY: boolean; columns?: number };
}

export interface RemoteHost {
  /** The database the daemon serves: a command for another one runs locally. */
  dbPath: string;
  /** A new client connection to the daemon itself. */
  connect(): Duplex;
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** The launcher's Ctrl-C (a `$/cancelRequest` of the `cli/run`). Answers the unsubscribe. */
  onCancel(handler: () => void): () => void;
  /** The launcher went away (killed, a second Ctrl-C): as SIGTERM for a process. Answers the unsubscribe. */
  onGone(handler: () => void): () => void;
}

export type RemoteOutcome = { exitCode: number } | { runLocally: string };

/** Runs `command` with `runProgram` (cli/program.ts's, passed in: program.ts exports this for the daemon). */
export async function runRemote(
  command: RemoteCommand, host: RemoteHost, runProgram: (argv: string[], term: Terminal) => Promise<number>,
): Promise<RemoteOutcome> {
  let finished = false;
  let wrote = false;
  let exitNow: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => { exitNow = resolve; });
  const stream = (name: 'stdout' | 'stderr', facts: RemoteCommand['stdout']): TerminalStream => ({
    write: (text) => {
      // Whatever a command abandoned by exit() still writes is not the launcher's any more.
      if (finished || text === '') return;
      wrote = true;
      host.write(name, text);
    },
    isTTY: facts.isTTY,
    columns: facts.columns,
  });
  const interruptHandlers = new Set<() => void>();
  const terminateHandlers = new Set<() => void>();
  const offCancel = host.onCancel(() => {
    // Nobody listening is a process without a SIGINT handler: it ends with 130.
    if (interruptHandlers.size === 0) exitNow(130);
    for (const handler of [...interruptHandlers]) handler();
  });
  const offGone = host.onGone(() => {
    // Nobody to print for: the command cleans up (closes its session) as on SIGTERM, or just ends.
    if (terminateHandlers.size === 0) exitNow(143);
    for (const handler of [...terminateHandlers]) handler();
  });
  const term: Terminal = {
    stdout: stream('stdout', command.stdout),
    stderr: stream('stderr', command.stderr),
    env: command.env,
    cwd: command.cwd,
    onInterrupt: (handler) => { interruptHandlers.add(handler); return () => { interruptHandlers.delete(handler); }; },
    onTerminate: (handler) => { terminateHandlers.add(handler); return () => { terminateHandlers.delete(handler); }; },
    exit: (code) => exitNow(code),
    inDaemon: { dbPath: host.dbPath, connect: host.connect },
  };
  try {
    const exitCode = await Promise.race([runProgram(['node', 'vm-system', ...command.argv], term), exited]);
    return { exitCode };
  } catch (error) {
    if (!(error instanceof RunLocally)) throw error;
    if (!wrote) return { runLocally: error.message };
    term.stderr.write(`vm-system: ${error.message}\n`);
    return { exitCode: 2 };
  } finally {
    finished = true;
    offCancel();
    offGone();
  }
}
