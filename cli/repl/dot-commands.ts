/**
 * The terminal REPL's dot-commands, node's set: `.break`, `.clear`,
 * `.editor`, `.exit`, `.help`, `.load FILE`, `.save FILE`. FILE is a path in
 * the session's worktree under run-file's rules (cli/worktree-path.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { errorCodeOf, SessionsRestart, type Session } from '../../server/protocol';
import type { DaemonClient } from '../connect';
import type { Paint } from '../format/color';
import { resolveWorktreeFile } from '../worktree-path';
import { splitInputs } from './incomplete';

/** What the commands act on: the interactive REPL around them. */
export interface DotContext {
  client: DaemonClient;
  session: Session;
  paint: Paint;
  /** This REPL's inputs since it started or since `.clear`, in order (what `.save` writes). */
  inputs: string[];
  /** Records and runs one input, its result printed. */
  run(code: string): Promise<void>;
  /** Shows an input as if typed (`.load`). */
  echo(code: string): void;
  /** Asks a y/N question; false on anything but y/yes, or Ctrl-C. */
  confirm(question: string): Promise<boolean>;
  /** Counts the user's Ctrl-C presses: a `.load` stops when it changes. */
  interrupts(): number;
  dropUnfinished(): void;
  startEditor(): void;
  leave(): void;
}

interface DotCommand { args?: string; help: string; run(ctx: DotContext, arg: string): void | Promise<void> }

const COMMANDS: Record<string, DotCommand> = {
  break: { help: 'discard the unfinished statement', run: (ctx) => ctx.dropUnfinished() },
  clear: { help: 'a fresh runtime for the session, its state gone (asks first)', run: clear },
  editor: { help: 'editor mode: type several lines, Ctrl-D runs them, Ctrl-C drops them', run: (ctx) => ctx.startEditor() },
  exit: { help: 'leave (Ctrl-D does too)', run: (ctx) => ctx.leave() },
  help: { help: 'this text', run: () => { process.stdout.write(HELP); } },
  load: { args: 'FILE', help: 'run FILE of the session\'s worktree as if typed', run: load },
  save: { args: 'FILE', help: 'write this REPL\'s inputs (since it started or .clear) to FILE of the worktree', run: save },
};

const KEYS: Array<[string, string]> = [
  ['Ctrl-C', 'cancel the running execution, or clear the line'],
  ['Ctrl-D', 'leave (on an empty line)'],
  ['Ctrl-R', 'search the history backwards'],
  ['Tab', 'complete names from the live session'],
];

const HELP = [
  ...Object.entries(COMMANDS).map(([name, c]) => [`.${name}${c.args ? ` ${c.args}` : ''}`, c.help]),
  ...KEYS,
].map(([what, help]) => `${what.padEnd(12)} ${help}\n`).join('');

/** `.name rest` on a line of its own; undefined when the line is not a dot-command (`.5 + 1` is code). */
export function parseDotCommand(line: string): { name: string; arg: string } | undefined {
  const m = /^\s*\.([a-z]+)(?:\s+(.*?))?\s*$/.exec(line);
  return m ? { name: m[1], arg: m[2] ?? '' } : undefined;
}

export async function runDotCommand(ctx: DotContext, name: string, arg: string): Promise<void> {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) { fail(ctx, `unknown command .${name} (.help lists them)`); return; }
  if (command.args && arg === '') { fail(ctx, `.${name} needs a ${command.args}: .${name} ${command.args}`); return; }
  await command.run(ctx, arg);
}

function fail(ctx: DotContext, message: string): void {
  process.stdout.write(`${ctx.paint.red(message)}\n`);
}

function save(ctx: DotContext, arg: string): void {
  const target = resolveWorktreeFile(ctx.session.worktreePath, arg, 'write');
  if (!target.ok) { fail(ctx, `.save: ${target.message}`); return; }
  try {
    writeFileSync(target.absolutePath, ctx.inputs.map((i) => `${i}\n`).join(''));
  } catch (error) {
    fail(ctx, `.save: ${(error as Error).message}`);
    return;
  }
  const n = ctx.inputs.length;
  process.stdout.write(ctx.paint.dim(`saved ${n} input${n === 1 ? '' : 's'} to ${target.relativePath}\n`));
}

async function load(ctx: DotContext, arg: string): Promise<void> {
  const source = resolveWorktreeFile(ctx.session.worktreePath, arg, 'read');
  if (!source.ok) { fail(ctx, `.load: ${source.message}`); return; }
  let text: string;
  try {
    text = readFileSync(source.absolutePath, 'utf8');
  } catch (error) {
    fail(ctx, `.load: ${(error as Error).message}`);
    return;
  }
  const interrupts = ctx.interrupts();
  for (const input of splitInputs(text)) {
    if (ctx.interrupts() !== interrupts) return; // Ctrl-C stops the rest of the file too
    ctx.echo(input);
    await ctx.run(input);
  }
}

async function clear(ctx: DotContext): Promise<void> {
  if (!await ctx.confirm('Clear the session: a fresh runtime, every variable gone? [y/N] ')) {
    process.stdout.write(ctx.paint.dim('kept\n'));
    return;
  }
  try {
    await ctx.client.call(SessionsRestart, { sessionId: ctx.session.id, replay: false });
  } catch (error) {
    const code = errorCodeOf(error);
    if (!code) throw error;
    fail(ctx, `.clear: ${code}: ${(error as Error).message}`);
    return;
  }
  ctx.inputs.length = 0;
  process.stdout.write(ctx.paint.dim(`a fresh runtime for session ${ctx.session.id}\n`));
}
