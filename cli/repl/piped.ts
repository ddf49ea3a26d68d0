/** `vm-system repl` with piped stdin: line by line, unfinished statements joined with the next lines. */
import readline from 'node:readline';
import { isIncomplete } from './incomplete';
import type { ReplEvaluator } from './evaluator';

/** Answers the exit code: 0 when every input ran fine, 1 when one failed, 2 when one hit a protocol error. */
export async function runPiped(evaluator: ReplEvaluator, input: NodeJS.ReadableStream): Promise<number> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  let buffer = '';
  let worst = 0;
  const onInt = (): void => { if (!evaluator.cancel()) rl.close(); };
  process.on('SIGINT', onInt);
  try {
    for await (const line of rl) {
      if (buffer === '' && line.trim() === '') continue;
      if (buffer === '' && line.trim() === '.exit') break;
      buffer = buffer === '' ? line : `${buffer}\n${line}`;
      if (isIncomplete(buffer)) continue;
      const code = buffer;
      buffer = '';
      worst = Math.max(worst, await evaluator.evaluate(code));
    }
    // Input ended inside a statement: let the daemon report the syntax error.
    if (buffer.trim() !== '') worst = Math.max(worst, await evaluator.evaluate(buffer));
  } finally {
    process.off('SIGINT', onInt);
    rl.close();
  }
  return worst;
}
