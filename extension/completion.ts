/**
 * REPL Tab completion: which word the cursor is in, which daemon items fit it,
 * how far they agree. Pure; unit-tested.
 */
import type { CompletionItem } from '../server/protocol';

export interface CompletionWord {
  /** Offset where the identifier being typed starts. */
  start: number;
  /** Offset where it ends (identifier characters right of the cursor included). */
  end: number;
  prefix: string;
}

const IDENT = /[\w$]/;

export function wordAt(code: string, cursor: number): CompletionWord {
  let start = Math.min(Math.max(0, cursor), code.length);
  const at = start;
  while (start > 0 && IDENT.test(code[start - 1])) start--;
  let end = at;
  while (end < code.length && IDENT.test(code[end])) end++;
  return { start, end, prefix: code.slice(start, at) };
}

/** Items that start with the prefix (case-sensitive matches first, then case-insensitive), unique by label. */
export function filterItems(items: readonly CompletionItem[], prefix: string, max = 200): CompletionItem[] {
  const seen = new Set<string>();
  const exact: CompletionItem[] = [];
  const loose: CompletionItem[] = [];
  const lower = prefix.toLowerCase();
  for (const item of items) {
    if (seen.has(item.label)) continue;
    if (item.label.startsWith(prefix)) exact.push(item);
    else if (item.label.toLowerCase().startsWith(lower)) loose.push(item);
    else continue;
    seen.add(item.label);
  }
  const byLabel = (a: CompletionItem, b: CompletionItem) => rank(a.label) - rank(b.label) || a.label.localeCompare(b.label);
  return [...exact.sort(byLabel), ...loose.sort(byLabel)].slice(0, max);
}

/** Private-looking names (`_x`, `__proto__`) after public ones. */
function rank(label: string): number {
  return label.startsWith('__') ? 2 : label.startsWith('_') ? 1 : 0;
}

/** Longest common prefix of the labels ('' for none). */
export function commonPrefix(labels: readonly string[]): string {
  if (labels.length === 0) return '';
  let p = labels[0];
  for (const l of labels) {
    while (!l.startsWith(p)) p = p.slice(0, -1);
  }
  return p;
}

/** Replace the word at [start, end) with `label`; the cursor goes after it. */
export function applyCompletion(code: string, word: Pick<CompletionWord, 'start' | 'end'>, label: string): { code: string; cursor: number } {
  return { code: code.slice(0, word.start) + label + code.slice(word.end), cursor: word.start + label.length };
}
