/**
 * ANSI colours, only for a terminal and never with NO_COLOR
 * (https://no-color.org: present and not empty); FORCE_COLOR decides
 * instead when set, as Node reads it (`1`, `2`, `3`, `true` or empty: on,
 * anywhere; any other value: off). Zod-free (fast path).
 */
import { processTerminal, type Terminal } from '../terminal';

export interface Paint {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

/** FORCE_COLOR values that mean colours to Node (tty.getColorDepth); any other value means none. */
const FORCE_ON = new Set(['', '1', '2', '3', 'true']);

export function colorsWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return FORCE_ON.has(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (s: string): string => `\u001b[${open}m${s}\u001b[${close}m`;
const same = (s: string): string => s;

export function paintFor(enabled: boolean): Paint {
  if (!enabled) return { enabled, bold: same, dim: same, red: same, green: same, yellow: same, cyan: same, magenta: same };
  return {
    enabled, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), magenta: sgr(35, 39),
  };
}

export const stdoutPaint = (term: Terminal = processTerminal): Paint => paintFor(colorsWanted(term.stdout, term.env));
export const stderrPaint = (term: Terminal = processTerminal): Paint => paintFor(colorsWanted(term.stderr, term.env));

/** Colour of an execution or session status. */
export function statusColor(paint: Paint, status: string): string {
  switch (status) {
    case 'ok': case 'ready': return paint.green(status);
    case 'running': case 'starting': return paint.cyan(status);
    case 'closed': return paint.dim(status);
    default: return paint.red(status);
  }
}
