/**
 * `require('exec')` inside a session: `run(command, args?, {timeoutMs?})`
 * starts a program directly (never through a shell, so `$(…)`, `;`, `|` and
 * globs reach it as literal text), in the worktree, with PATH as its only
 * environment variable, bounded by the execution (see run-process.ts).
 *
 * This is not a sandbox: the program runs with the daemon user's rights and
 * can read or write anything that user can. Enabling `exec` on a template
 * grants that; the worktree confinement of `fs` and `database` does not apply.
 */
import type { ChildProcess } from 'node:child_process';
import type { ModuleContext, NativeModule } from './native-module';
import { MODULE_FUNCTIONS } from './catalog';
import { argTypeError, codedError } from './errors';
import { killGroup, runProcess, type RunResult } from './run-process';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** setTimeout's own ceiling. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const OPTIONS = ['timeoutMs'];

function children(ctx: ModuleContext): Set<ChildProcess> {
  let set = ctx.state.get('exec.children') as Set<ChildProcess> | undefined;
  if (!set) {
    set = new Set();
    ctx.state.set('exec.children', set);
  }
  return set;
}

function commandArg(command: unknown): string {
  if (typeof command !== 'string' || command === '') throw argTypeError('The "command" argument must be a non-empty string');
  if (command.includes('\0')) throw codedError('ERR_INVALID_ARG_VALUE', 'The "command" argument must not contain null bytes', 'TypeError');
  return command;
}

function argsArg(args: unknown): string[] {
  if (args === undefined || args === null) return [];
  if (!Array.isArray(args)) throw argTypeError('The "args" argument must be an array of strings');
  return args.map((a, i) => {
    if (typeof a !== 'string') throw argTypeError(`The "args[${i}]" argument must be of type string. Received ${a === null ? 'null' : typeof a}`);
    if (a.includes('\0')) throw codedError('ERR_INVALID_ARG_VALUE', `The "args[${i}]" argument must not contain null bytes`, 'TypeError');
    return a;
  });
}

function timeoutArg(options: unknown): number | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) throw argTypeError('The "options" argument must be an object');
  // Refuse what is not supported rather than ignore it: `{shell: true}` or `{cwd: '/'}` must not look like they worked.
  const unknown = Object.keys(options).filter((k) => !OPTIONS.includes(k));
  if (unknown.length) throw argTypeError(`exec.run: unsupported option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (supported: ${OPTIONS.join(', ')})`);
  const t = (options as { timeoutMs?: unknown }).timeoutMs;
  if (t === undefined) return undefined;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
    throw codedError('ERR_OUT_OF_RANGE', `The "timeoutMs" option must be a positive number. Received ${String(t)}`, 'RangeError');
  }
  return Math.min(Math.ceil(t), MAX_TIMEOUT_MS);
}

function run(ctx: ModuleContext, [command, args, options]: unknown[]): Promise<RunResult> {
  return runProcess({
    command: commandArg(command),
    args: argsArg(args),
    timeoutMs: timeoutArg(options),
    cwd: ctx.worktreePath,
    // Nothing of the daemon's environment (tokens, credentials) but where to find programs.
    env: { PATH: process.env.PATH || DEFAULT_PATH },
    // The same budget as the execution's console output.
    maxOutputBytes: ctx.limits.maxOutputKb * 1024,
    signal: ctx.signal,
    children: children(ctx),
  });
}

export const execModule: NativeModule = {
  name: 'exec',
  functions: MODULE_FUNCTIONS.exec,
  call(ctx, fn, args) {
    if (fn !== 'run') return undefined;
    return run(ctx, args);
  },
  dispose(ctx) {
    for (const child of children(ctx)) killGroup(child);
  },
};
