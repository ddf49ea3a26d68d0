/**
 * Ctrl-R in the terminal REPL, as bash and node have it: the prompt becomes
 * `(reverse-i-search)'text': match`, each typed character narrows the search
 * to the newest history entry containing the text, Ctrl-R again steps to the
 * next older one, Backspace widens it again; Enter accepts the match and runs
 * it, Esc / Ctrl-G / Ctrl-C give back the line as it was, and any other key
 * (arrows, Ctrl-A/E, Tab…) accepts the match for editing and then acts.
 */
import { isPrintable, type EditableLine, type Key } from './keys';

interface Search { query: string; index: number; failed: boolean; before: { line: string; cursor: number } }

export class ReverseSearch {
  private search?: Search;
  private lastQuery = '';

  /** `restorePrompt` puts back the REPL's own prompt (without drawing it). */
  constructor(private readonly rl: EditableLine, private readonly restorePrompt: () => void) {}

  get active(): boolean {
    return this.search !== undefined;
  }

  /** Takes the keys of a search (a KeyHandler). */
  readonly onKey = (s: string | undefined, key: Key): boolean => {
    const search = this.search;
    if (!search) {
      if (!(key.ctrl && key.name === 'r')) return false;
      this.search = { query: '', index: -1, failed: false, before: { line: this.rl.line, cursor: this.rl.cursor } };
      this.draw();
      return true;
    }
    if (key.ctrl && key.name === 'r') {
      if (search.query === '') search.query = this.lastQuery;
      this.find(search.index + 1);
    } else if (key.name === 'escape' || (key.ctrl && (key.name === 'g' || key.name === 'c'))) {
      this.end(search.before);
    } else if (key.name === 'backspace') {
      search.query = search.query.slice(0, -1);
      this.find(0);
    } else if (isPrintable(s, key)) {
      search.query += s;
      this.find(Math.max(search.index, 0));
    } else {
      // Enter runs the match; other keys edit it.
      this.end({ line: this.rl.line, cursor: this.rl.cursor });
      return false;
    }
    return true;
  };

  /** The newest entry at or after `from` (older is further) that contains the query; keeps the last match when none does. */
  private find(from: number): void {
    const search = this.search!;
    const history = this.rl.history;
    let found = -1;
    if (search.query !== '') {
      for (let i = from; i < history.length; i++) {
        if (history[i].includes(search.query)) { found = i; break; }
      }
    }
    search.failed = search.query !== '' && found < 0;
    if (found >= 0) search.index = found;
    else if (search.query === '') search.index = -1;
    this.draw();
  }

  private draw(): void {
    const { query, index, failed, before } = this.search!;
    // Until something matches, the line as it was stays in view.
    const match = index >= 0 ? this.rl.history[index] : before.line;
    this.rl.setPrompt(`(${failed ? 'failed ' : ''}reverse-i-search)'${query}': `);
    this.rl.line = match;
    this.rl.cursor = index >= 0 && !failed ? match.indexOf(query) : match.length;
    this.rl.prompt(true);
  }

  private end(line: { line: string; cursor: number }): void {
    if (this.search!.query !== '') this.lastQuery = this.search!.query;
    this.search = undefined;
    this.restorePrompt();
    this.rl.line = line.line;
    this.rl.cursor = line.cursor;
    this.rl.prompt(true);
  }
}
