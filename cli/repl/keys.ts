/**
 * The REPL sees keys before readline does, the way node's own REPL adds
 * `.editor` and reverse search: by wrapping the interface's `_ttyWrite`, which
 * readline routes every key of a terminal through (it has no other hook).
 */
import type readline from 'node:readline';

/** A key as readline's keypress parser names it. */
export interface Key { name?: string; ctrl?: boolean; meta?: boolean; shift?: boolean; sequence?: string }

/** Answers true when it took the key: readline then never sees it. */
export type KeyHandler = (s: string | undefined, key: Key) => boolean;

/** The parts of readline's interface the REPL's key handlers edit (`line`, `cursor` and `history` are plain fields). */
export interface EditableLine {
  line: string;
  cursor: number;
  readonly history: string[];
  setPrompt(prompt: string): void;
  /** `prompt(true)` redraws the prompt and the line, the cursor kept. */
  prompt(preserveCursor?: boolean): void;
}

export const editable = (rl: readline.Interface): EditableLine => rl as unknown as EditableLine;

/** Puts `handlers` (first that takes a key wins) in front of readline's own key handling; `after` runs once a key was handled. */
export function interceptKeys(rl: readline.Interface, handlers: readonly KeyHandler[], after: () => void = () => undefined): void {
  const tty = rl as unknown as { _ttyWrite(s: string | undefined, key: Key | undefined): void };
  const readlineKeys = tty._ttyWrite.bind(rl);
  tty._ttyWrite = (s, key) => {
    if (!key || !handlers.some((h) => h(s, key))) readlineKeys(s, key);
    after();
  };
}

/** A key that types a character (not Enter, Tab, or a control or escape sequence). */
export function isPrintable(s: string | undefined, key: Key): boolean {
  return typeof s === 'string' && s.length > 0 && !key.ctrl && !key.meta && !/[\u0000-\u001f\u007f]/.test(s);
}
