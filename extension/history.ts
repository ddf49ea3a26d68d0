/**
 * REPL input history with shell-like Up/Down navigation; the draft being
 * typed is kept when browsing. The webview's bundle (repl-webview/) uses it
 * for navigation, and the extension host uses it to keep the persisted list.
 */
export class InputHistory {
  private entries: string[];
  private index: number;
  private draft = '';

  constructor(entries: readonly string[] = [], private readonly max = 500) {
    this.entries = entries.slice(-max);
    this.index = this.entries.length;
  }

  /** Records a run input (blank and immediately repeated inputs are not recorded). */
  push(entry: string): void {
    if (entry.trim() !== '' && this.entries[this.entries.length - 1] !== entry) {
      this.entries.push(entry);
      if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    }
    this.index = this.entries.length;
    this.draft = '';
  }

  /** Older entry, or undefined at the oldest; `current` is kept as the draft when leaving it. */
  up(current: string): string | undefined {
    if (this.index === 0) return undefined;
    if (this.index === this.entries.length) this.draft = current;
    this.index--;
    return this.entries[this.index];
  }

  /** Newer entry, the draft after the newest, or undefined when already on the draft. */
  down(): string | undefined {
    if (this.index >= this.entries.length) return undefined;
    this.index++;
    return this.index === this.entries.length ? this.draft : this.entries[this.index];
  }

  list(): string[] {
    return this.entries.slice();
  }
}
