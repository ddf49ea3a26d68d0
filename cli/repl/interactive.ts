/**
 * `vm-system repl` on a terminal: readline with a persisted history,
 * multi-line input for unfinished statements, Tab completion from the live
 * session, Ctrl-C cancelling the running execution (or clearing the line),
 * Ctrl-D / `.exit` leaving.
 */
import readline from 'node:readline';
import type { Session } from '../../server/protocol';
import type { DaemonClient } from '../connect';
import type { Paint } from '../format/color';
import { sessionCompleter } from './completer';
import type { ReplEvaluator } from './evaluator';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history';
import { isIncomplete } from './incomplete';

const PROMPT = '> ';
const CONTINUE = '... ';

const HELP = `.break   discard the unfinished statement
.exit    leave (Ctrl-D does too)
.help    this text
Ctrl-C   cancel the running execution, or clear the line
Tab      complete names from the live session
`;

export interface InteractiveOptions {
  client: DaemonClient;
  session: Session;
  created: boolean;
  historyFile: string;
  paint: Paint;
}

/** Resolves when the user leaves. */
export function runInteractive(evaluator: ReplEvaluator, options: InteractiveOptions): Promise<void> {
  const { paint } = options;
  let buffer = '';
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdout.isTTY === true,
    prompt: paint.enabled ? paint.cyan(PROMPT) : PROMPT,
    history: loadHistory(options.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: sessionCompleter(options.client, options.session.id, () => buffer),
  } as readline.ReadLineOptions);
  rl.on('history', (history: string[]) => saveHistory(options.historyFile, history));

  const origin = options.created ? `new session ${options.session.id} on ${options.session.worktreePath}` : `session ${options.session.id}`;
  process.stdout.write(paint.dim(`vm-system repl — ${origin}\n.help for help, Ctrl-D to leave\n`));

  const queue: string[] = [];
  let draining = false;
  let closing = false;
  let lastInterrupt = 0;

  const prompt = (): void => {
    if (closing) return;
    rl.setPrompt(buffer ? CONTINUE : (paint.enabled ? paint.cyan(PROMPT) : PROMPT));
    rl.prompt();
  };

  const handle = async (line: string): Promise<void> => {
    const trimmed = line.trim();
    if (buffer === '' && trimmed.startsWith('.') && /^\.[a-z]+$/.test(trimmed)) {
      if (trimmed === '.exit') { rl.close(); return; }
      if (trimmed === '.help') process.stdout.write(HELP);
      else if (trimmed === '.break') buffer = '';
      else process.stdout.write(`${paint.red(`unknown command ${trimmed}`)} (.help)\n`);
      return;
    }
    if (trimmed === '.break') { buffer = ''; return; }
    if (buffer === '' && trimmed === '') return;
    buffer = buffer === '' ? line : `${buffer}\n${line}`;
    if (isIncomplete(buffer)) return;
    const code = buffer;
    buffer = '';
    await evaluator.evaluate(code);
  };

  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0 && !closing) await handle(queue.shift()!);
    } finally {
      draining = false;
    }
    prompt();
  };

  rl.on('line', (line) => { queue.push(line); void drain(); });

  const onInterrupt = (): void => {
    if (evaluator.cancel()) { queue.length = 0; return; }
    const typed = rl.line;
    if (typed !== '' || buffer !== '') {
      // Clear the line and the unfinished statement.
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      buffer = '';
      lastInterrupt = 0;
      process.stdout.write('\n');
      prompt();
      return;
    }
    if (Date.now() - lastInterrupt < 2000) { rl.close(); return; }
    lastInterrupt = Date.now();
    process.stdout.write(`\n${paint.dim('(To exit, press Ctrl-C again or Ctrl-D or type .exit)')}\n`);
    prompt();
  };
  // Ctrl-C reaches readline as a key on a terminal, as a signal otherwise (or from `kill -INT`).
  rl.on('SIGINT', onInterrupt);
  process.on('SIGINT', onInterrupt);

  return new Promise((resolve) => {
    rl.on('close', () => {
      closing = true;
      process.off('SIGINT', onInterrupt);
      evaluator.cancel();
      process.stdout.write('\n');
      resolve();
    });
    prompt();
  });
}
