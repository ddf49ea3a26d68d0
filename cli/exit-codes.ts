/** Exit codes of every command (../shared/CLI.md). */
export const EXIT = {
  OK: 0,
  /** The code ran and failed: exception, timeout, limit, cancelled. */
  CODE_FAILED: 1,
  /** Usage error or a protocol error (the message names the error code). */
  USAGE: 2,
  /** No daemon could be reached or started. */
  UNREACHABLE: 3,
} as const;

/** Thrown to end a command with a message on stderr and an exit code. */
export class CliExit extends Error {
  constructor(readonly exitCode: number, message = '') { super(message); }
}
