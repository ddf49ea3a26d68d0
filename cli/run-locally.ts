/**
 * Thrown by a command the daemon runs for the native launcher when it must
 * run in a node process of its own instead (it needs the terminal's stdin or
 * signals, manages daemons, or names another database). Nothing has been
 * written yet when it is thrown: the native client then execs the JavaScript CLI.
 */
export class RunLocally extends Error {
  override readonly name = 'RunLocally';
}
