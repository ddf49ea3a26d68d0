/**
 * Where a command's output goes and what it knows of the terminal it runs
 * for. Zod-free (the fast path imports it). A command normally runs in its own
 * node process (`processTerminal`); for the native launcher the daemon runs the
 * very same command tree with a terminal whose bytes go back over the socket
 * (cli/remote.ts). Every command therefore reaches stdout/stderr, the
 * environment, the working directory and Ctrl-C through its program's
 * terminal, never through `process` directly.
 */
import type { Duplex } from 'node:stream';
import type { Command } from 'commander';

export interface TerminalStream {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Width of a terminal (help text wraps to it). */
  readonly columns?: number;
}

export interface Terminal {
  stdout: TerminalStream;
  stderr: TerminalStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Ctrl-C: SIGINT for a process, a `$/cancelRequest` from the native client in the daemon. Answers the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
  /** SIGTERM/SIGHUP (a process only). Answers the unsubscribe. */
  onTerminate(handler: () => void): () => void;
  /** Ends the command now with this exit code (process.exit for a process). */
  exit(code: number): void;
  /**
   * Set when the daemon runs the command: the daemon serving this database,
   * reachable in-process (a connection to the daemon itself, no socket).
   */
  inDaemon?: { dbPath: string; connect(): Duplex };
}

function onSignals(signals: NodeJS.Signals[], handler: () => void): () => void {
  for (const s of signals) process.on(s, handler);
  return () => { for (const s of signals) process.off(s, handler); };
}

export const processTerminal: Terminal = {
  stdout: { write: (t) => { process.stdout.write(t); }, get isTTY() { return process.stdout.isTTY === true; }, get columns() { return process.stdout.columns; } },
  stderr: { write: (t) => { process.stderr.write(t); }, get isTTY() { return process.stderr.isTTY === true; }, get columns() { return process.stderr.columns; } },
  get env() { return process.env; },
  get cwd() { return process.cwd(); },
  onInterrupt: (handler) => onSignals(['SIGINT'], handler),
  onTerminate: (handler) => onSignals(['SIGTERM', 'SIGHUP'], handler),
  exit: (code) => process.exit(code),
};

const terminals = new WeakMap<Command, Terminal>();

/** Binds a program (the root command) to the terminal its commands write to. */
export function bindTerminal(program: Command, terminal: Terminal): void {
  terminals.set(program, terminal);
}

/** The terminal of the program `cmd` belongs to. */
export function terminalOf(cmd: Command): Terminal {
  let root = cmd;
  while (root.parent) root = root.parent;
  return terminals.get(root) ?? processTerminal;
}
