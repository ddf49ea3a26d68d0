/**
 * `vm-system repl` on a terminal: readline with a persisted history (Ctrl-R
 * searches it), multi-line input for unfinished statements, `.editor` mode,
 * Tab completion from the live session, node's dot-commands, Ctrl-C
 * cancelling the running execution (or clearing the line), Ctrl-D / `.exit`
 * leaving.
 */
import readline from 'node:readline';
import type { Session } from '../../server/protocol';
import type { DaemonClient } from '../connect';
import type { Paint } from '../format/color';
import { sessionCompleter } from './completer';
import { parseDotCommand, runDotCommand, type DotContext } from './dot-commands';
import type { ReplEvaluator } from './evaluator';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history';
import { isIncomplete } from './incomplete';
import { editable, interceptKeys, type Key } from './keys';
import { PreviewLine } from './preview';
import { ReverseSearch } from './reverse-search';

const PROMPT = '> ';
const CONTINUE = '... ';
const EDITOR_BANNER = '// Entering editor mode (Ctrl-D to run, Ctrl-C to cancel)';

export interface InteractiveOptions {
  client: DaemonClient;
  session: Session;
  created: boolean;
  historyFile: string;
  paint: Paint;
}

/** A typed line, or Ctrl-D ending `.editor` mode (with the line being typed then). */
type Item = { line: string } | { editorEnd: string };

/** Resolves when the user leaves. */
export function runInteractive(evaluator: ReplEvaluator, options: InteractiveOptions): Promise<void> {
  const { paint } = options;
  const mainPrompt = paint.enabled ? paint.cyan(PROMPT) : PROMPT;
  /** The unfinished statement typed so far. */
  let buffer = '';
  /** The lines of `.editor` mode, while it lasts. */
  let editor: string[] | undefined;
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdout.isTTY === true,
    prompt: mainPrompt,
    history: loadHistory(options.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: sessionCompleter(options.client, options.session.id, () => editor ? editor.join('\n') : buffer),
  } as readline.ReadLineOptions);
  rl.on('history', (history: string[]) => saveHistory(options.historyFile, history));
  const line = editable(rl);

  const origin = options.created ? `new session ${options.session.id} on ${options.session.worktreePath}` : `session ${options.session.id}`;
  process.stdout.write(paint.dim(`vm-system repl — ${origin}\n.help for help, Ctrl-D to leave\n`));

  const queue: Item[] = [];
  let draining = false;
  let closing = false;
  let lastInterrupt = 0;
  let interrupts = 0;
  let cancelQuestion: (() => void) | undefined;

  const currentPrompt = (): string => editor ? '' : buffer ? CONTINUE : mainPrompt;
  const prompt = (): void => {
    if (closing) return;
    rl.setPrompt(currentPrompt());
    // Editor mode has no prompt to draw: the next line simply follows.
    if (!editor) rl.prompt();
  };

  const inputs: string[] = [];
  const run = async (code: string): Promise<void> => {
    inputs.push(code);
    await evaluator.evaluate(code);
  };

  const dot: DotContext = {
    client: options.client,
    session: options.session,
    paint,
    inputs,
    run,
    echo: (code) => {
      const [first, ...rest] = code.split('\n');
      process.stdout.write(`${mainPrompt}${first}\n${rest.map((l) => `${CONTINUE}${l}\n`).join('')}`);
    },
    confirm: (question) => new Promise<boolean>((resolve) => {
      const abort = new AbortController();
      cancelQuestion = () => { abort.abort(); resolve(false); };
      rl.question(question, { signal: abort.signal }, (answer) => {
        cancelQuestion = undefined;
        // An answer is no REPL input: keep it out of the history.
        if (line.history[0] === answer) line.history.shift();
        resolve(/^\s*y(es)?\s*$/i.test(answer));
      });
    }),
    interrupts: () => interrupts,
    dropUnfinished: () => { buffer = ''; },
    startEditor: () => {
      editor = [];
      process.stdout.write(`${paint.dim(EDITOR_BANNER)}\n`);
    },
    leave: () => rl.close(),
  };

  const handle = async (item: Item): Promise<void> => {
    if ('editorEnd' in item) {
      const code = [...editor ?? [], ...item.editorEnd === '' ? [] : [item.editorEnd]].join('\n');
      editor = undefined;
      if (code.trim() !== '') await run(code);
      return;
    }
    if (editor) { editor.push(item.line); return; }
    const command = buffer === '' ? parseDotCommand(item.line) : undefined;
    if (command) { await runDotCommand(dot, command.name, command.arg); return; }
    if (item.line.trim() === '.break') { buffer = ''; return; }
    if (buffer === '' && item.line.trim() === '') return;
    buffer = buffer === '' ? item.line : `${buffer}\n${item.line}`;
    if (isIncomplete(buffer)) return;
    const code = buffer;
    buffer = '';
    await run(code);
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

  // Lines wait their turn behind the running input, `.editor` lines too (handle routes them).
  rl.on('line', (typed) => { queue.push({ line: typed }); void drain(); });

  /** Ctrl-D in editor mode: the lines typed (and the one being typed) go as one input. */
  const finishEditor = (): void => {
    queue.push({ editorEnd: line.line });
    line.line = '';
    line.cursor = 0;
    process.stdout.write('\n');
    void drain();
  };

  const search = new ReverseSearch(line, () => rl.setPrompt(currentPrompt()));
  const preview = new PreviewLine(rl, process.stdout, options.client, options.session.id, paint);
  /** What the preview shows the value of: a complete expression typed at the prompt, nothing else. */
  const previewable = (): string | undefined => {
    if (closing || editor || search.active || cancelQuestion || evaluator.busy || queue.length > 0) return undefined;
    const code = buffer === '' ? line.line : `${buffer}\n${line.line}`;
    if (code.trim() === '' || (buffer === '' && parseDotCommand(code)) || isIncomplete(code)) return undefined;
    return code;
  };
  interceptKeys(rl, [
    () => { preview.clear(); return false; },
    search.onKey,
    (_s: string | undefined, key: Key) => {
      if (!(editor && key.ctrl && key.name === 'd')) return false;
      finishEditor();
      return true;
    },
  ], () => preview.update(previewable()));

  const clearLine = (): void => {
    line.line = '';
    line.cursor = 0;
    process.stdout.write('\n');
    prompt();
  };

  const onInterrupt = (): void => {
    interrupts++;
    if (cancelQuestion) { cancelQuestion(); cancelQuestion = undefined; line.line = ''; process.stdout.write('\n'); return; }
    if (evaluator.cancel()) { queue.length = 0; return; }
    if (editor) { editor = undefined; queue.length = 0; clearLine(); return; }
    if (line.line !== '' || buffer !== '') {
      // Clear the line and the unfinished statement.
      buffer = '';
      lastInterrupt = 0;
      clearLine();
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
