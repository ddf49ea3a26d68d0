/**
 * The eager preview under the input, as node's REPL shows it: after each
 * key, a complete expression goes to `sessions/preview` (the daemon evaluates
 * it without side effects, or answers no value) and its value shows dimmed on
 * the line below the input, gone at the next key. A daemon without the method
 * (METHOD_NOT_FOUND: an older one) turns the preview off for the rest of the
 * REPL, silently; any other failure shows nothing for that key.
 */
import readline from 'node:readline';
import { errorCodeOf, SessionsPreview } from '../../server/protocol';
import type { DaemonClient } from '../connect';
import type { Paint } from '../format/color';

/** Quiet time after the last key before the preview is asked (keys typed by hand are further apart). */
const PREVIEW_DELAY_MS = 30;

interface CursorMath {
  getCursorPos(): { rows: number; cols: number };
  getPrompt(): string;
  line: string;
  /** readline's own layout of prompt + line (wide characters, wrapping), as node's REPL uses it for its preview. */
  _getDisplayPos?(text: string): { rows: number; cols: number };
}

export class PreviewLine {
  private shown = false;
  private asked = 0;
  private off = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rl: readline.Interface,
    private readonly output: NodeJS.WriteStream,
    private readonly client: DaemonClient,
    private readonly sessionId: string,
    private readonly paint: Paint,
  ) {}

  /** Takes the preview off the screen (before readline acts on a key: the cursor is where it was drawn from). */
  clear(): void {
    this.asked++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.shown) return;
    this.shown = false;
    this.belowInput(() => readline.clearLine(this.output, 0));
  }

  /**
   * Previews `code` (undefined: nothing to preview now), a moment after typing
   * stops: a burst of keys (a paste) asks once, for its end, and the daemon is
   * not asked for every intermediate text.
   */
  update(code: string | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.off || code === undefined) return;
    const ticket = ++this.asked;
    const line = this.rl.line;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.ask(code).then((text) => {
        if (text === undefined || ticket !== this.asked || line !== this.rl.line || this.shown) return;
        this.shown = true;
        const width = Math.max((this.output.columns ?? 80) - 1, 10);
        const flat = text.replace(/\s+/g, ' ');
        const fitted = flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
        this.belowInput(() => this.output.write(this.paint.dim(fitted)));
      });
    }, PREVIEW_DELAY_MS);
    this.timer.unref();
  }

  private async ask(code: string): Promise<string | undefined> {
    try {
      // A daemon older than the method answers METHOD_NOT_FOUND: the preview turns itself off.
      const { value } = await this.client.connection.sendRequest(SessionsPreview.type, { sessionId: this.sessionId, code });
      if (!value || value.type === 'undefined') return undefined;
      // `1` previewing as `1` tells nothing.
      return value.preview === code.trim() ? undefined : value.preview;
    } catch (error) {
      if (errorCodeOf(error) === 'METHOD_NOT_FOUND' || (error as { code?: unknown }).code === -32601) this.off = true;
      return undefined;
    }
  }

  /** Runs `draw` at the start of the row below the input's last row, then puts the cursor back. */
  private belowInput(draw: () => void): void {
    const rl = this.rl as unknown as CursorMath;
    const cursor = rl.getCursorPos();
    const end = rl._getDisplayPos ? rl._getDisplayPos(`${rl.getPrompt()}${rl.line}`) : cursor;
    const down = Math.max(end.rows - cursor.rows, 0) + 1;
    readline.moveCursor(this.output, 0, down - 1);
    this.output.write('\n');
    draw();
    readline.cursorTo(this.output, cursor.cols);
    readline.moveCursor(this.output, 0, -down);
  }
}
