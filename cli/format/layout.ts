/** Compact tables and key/value blocks. */
import type { Paint } from './color';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const width = (s: string): number => s.replace(ANSI, '').length;
const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - width(s)));

/** Columns separated by two spaces; the header dimmed; `empty` when there are no rows. */
export function table(headers: string[], rows: string[][], paint: Paint, empty = '(none)'): string {
  if (rows.length === 0) return `${paint.dim(empty)}\n`;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd();
  return `${[paint.dim(line(headers)), ...rows.map(line)].join('\n')}\n`;
}

/** `key  value` lines with aligned values; undefined values are left out. */
export function keyValues(pairs: Array<[string, string | number | boolean | undefined]>, paint: Paint): string {
  const present = pairs.filter((p): p is [string, string | number | boolean] => p[1] !== undefined);
  const w = Math.max(0, ...present.map(([k]) => k.length));
  return present.map(([k, v]) => `${paint.dim(pad(k, w))}  ${String(v)}`).join('\n') + '\n';
}

/** `2026-11-25T21:06:43.123Z` → `2026-11-25 21:06:43` (UTC). */
export function shortTime(iso: string | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

export function ms(n: number | undefined): string {
  if (n === undefined) return '';
  return n < 10 ? `${n.toFixed(1)} ms` : n < 10000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`;
}

/** `12345678` ms → `3h 25m 45s`. */
export function duration(totalMs: number): string {
  const s = Math.floor(totalMs / 1000);
  const parts: string[] = [];
  const d = Math.floor(s / 86400); const h = Math.floor((s % 86400) / 3600); const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  parts.push(`${s % 60}s`);
  return parts.join(' ');
}

/** One line of at most `max` characters (newlines shown as ⏎). */
export function oneLine(s: string | undefined, max = 50): string {
  if (!s) return '';
  const flat = s.replace(/\r?\n/g, '⏎');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
