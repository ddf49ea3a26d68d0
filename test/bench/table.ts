/** Bench helpers: timing, percentiles and the one table format. */
export interface Row {
  name: string;
  /** Milliseconds, or a count when `unit` says so. */
  value: number;
  baseline?: number;
  baselineName?: string;
  unit?: string;
  target?: string;
}

export function timeIt(n: number, fn: () => unknown): number[] {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (v: number, unit = 'ms'): string => (unit === 'ms' ? (v < 1 ? `${(v * 1000).toFixed(0)} µs` : `${v.toFixed(v < 10 ? 2 : 1)} ms`) : `${v.toFixed(v < 10 ? 2 : 0)} ${unit}`);

export function printTable(rows: Row[]): void {
  const header = ['measure', 'median', 'baseline', 'ratio', 'target'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.value, r.unit),
    r.baseline === undefined ? '' : `${fmt(r.baseline, r.unit)} (${r.baselineName})`,
    r.baseline ? `${(r.value / r.baseline).toFixed(2)}×` : '',
    r.target ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}
