/**
 * `cli/run`: the daemon runs one `vm-system` command line for the native
 * launcher (cli/native/fast-exec.c) and streams its output back.
 *
 * Internal on purpose — not exported from the contract's index, not in
 * docs/protocol.md: its only client is the native launcher of the same
 * install, built from the same commit; what it carries (argv, environment,
 * terminal facts) is the CLI's business, not the daemon's domain, and its
 * answer is terminal bytes, not data a program should read. Like every
 * method, the daemon validates its params with these schemas.
 */
import * as z from 'zod';
import { notification, request } from './define';

const TerminalStream = z.strictObject({
  /** isatty() of that descriptor in the launcher. */
  isTTY: z.boolean(),
  /** The terminal's width when it is one. */
  columns: z.number().int().min(1).max(100000).optional(),
});

export const CliRun = request('cli/run',
  z.strictObject({
    /** The arguments after `vm-system`, as typed. */
    argv: z.array(z.string()).max(10000),
    /** The launcher's working directory (absolute): where `run FILE` finds FILE and makes its session. */
    cwd: z.string().regex(/^\//, 'an absolute path'),
    /** The launcher's environment (VM_SYSTEM_DB, NO_COLOR, FORCE_COLOR, TERM, XDG_DATA_HOME, …). */
    env: z.record(z.string(), z.string()),
    stdout: TerminalStream,
    stderr: TerminalStream,
  }),
  z.union([
    /**
     * The command ran; its output came as `cli/output` notifications before this answer. `attached`: it
     * used the daemon (help and usage errors do not; a launcher that started the daemon for it stops it then).
     */
    z.strictObject({ exitCode: z.number().int().min(0).max(255), attached: z.boolean().optional() }),
    /** Nothing was written: the command needs a process of its own (stdin, signals, another database); the launcher runs it with node. */
    z.strictObject({ runLocally: z.string() }),
  ]),
  'Runs one command line of the `vm-system` CLI inside the daemon for the native launcher; its output streams as `cli/output`. Internal: the launcher and the daemon of one install.');

export const CliOutput = notification('cli/output',
  z.strictObject({ stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  'Output of a `cli/run` command, in the order it was written.', 'serverToClient');
