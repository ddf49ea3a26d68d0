/**
 * Is this REPL input an unfinished statement (`{`, `foo(`, `1 +`, an open
 * template literal or comment) that the next line should continue? A cheap
 * local parse with acorn: only an error at the very end of the input counts;
 * any other syntax error is sent to the daemon, which reports it.
 */
import { parse } from 'acorn';

export function isIncomplete(code: string): boolean {
  if (code.trim() === '') return false;
  try {
    parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowHashBang: true });
    return false;
  } catch (error) {
    if (!(error instanceof SyntaxError)) return false;
    if (/^Unterminated (template|comment)/.test(error.message)) return true;
    const pos = (error as SyntaxError & { pos?: number }).pos;
    return typeof pos === 'number' && pos >= code.length;
  }
}

/** Text cut into REPL inputs as if typed line by line (what `.load` runs): blank lines between statements skipped, an unfinished tail kept. */
export function splitInputs(text: string): string[] {
  const inputs: string[] = [];
  let buffer = '';
  for (const line of text.split(/\r?\n/)) {
    if (buffer === '' && line.trim() === '') continue;
    buffer = buffer === '' ? line : `${buffer}\n${line}`;
    if (!isIncomplete(buffer)) { inputs.push(buffer); buffer = ''; }
  }
  if (buffer.trim() !== '') inputs.push(buffer);
  return inputs;
}
