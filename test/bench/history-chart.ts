/** The picture of history-bench.ts: write cost and RSS against history size, as a small standalone SVG. */
export interface HistoryPoint {
  historyMb: number;
  /** Durable 200 KB execution through the store alone, median. */
  writeP50Ms: number;
  /** RSS of the filling process (the store alone) at that size. */
  storeRssMb: number;
  daemonRssWritingMb: number;
  daemonRssOpenMb: number;
  stallMs: number;
  coldStartMs: number;
  p50: number;
  p99: number;
  /** p99 of the 200 KB executions while 4 sessions fill through the daemon. */
  fillP99?: number;
}

interface Series { name: string; color: string; dash?: boolean; points: Array<[number, number]> }

function panel(title: string, unit: string, series: Series[], x0: number, width: number, height: number, target?: { y: number; label: string }): string {
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map((p) => p[0]));
  const maxY = Math.max(1, target?.y ?? 0, ...all.map((p) => p[1])) * 1.1;
  const [left, top, w, h] = [x0 + 50, 30, width - 70, height - 80];
  const sx = (x: number): number => left + (x / maxX) * w;
  const sy = (y: number): number => top + h - (y / maxY) * h;
  const out: string[] = [`<text x="${x0 + width / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`];
  out.push(`<line x1="${left}" y1="${top + h}" x2="${left + w}" y2="${top + h}" stroke="#444"/><line x1="${left}" y1="${top}" x2="${left}" y2="${top + h}" stroke="#444"/>`);
  for (let i = 0; i <= 4; i++) {
    const y = (maxY * i) / 4;
    out.push(`<text x="${left - 5}" y="${sy(y) + 4}" text-anchor="end" font-size="10">${y.toFixed(y < 10 ? 1 : 0)}</text>`);
    const x = (maxX * i) / 4;
    out.push(`<text x="${sx(x)}" y="${top + h + 14}" text-anchor="middle" font-size="10">${x.toFixed(0)}</text>`);
  }
  out.push(`<text x="${left + w / 2}" y="${top + h + 30}" text-anchor="middle" font-size="11">history on disk (MB)</text>`);
  out.push(`<text x="${x0 + 12}" y="${top + h / 2}" font-size="11" transform="rotate(-90 ${x0 + 12} ${top + h / 2})" text-anchor="middle">${unit}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5,4"' : ''} points="${pts}"/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    out.push(`<text x="${left + w - 4}" y="${top + 12 + i * 13}" font-size="10" text-anchor="end" fill="${s.color}">${s.name}</text>`);
  });
  if (target) {
    out.push(`<line x1="${left}" y1="${sy(target.y)}" x2="${left + w}" y2="${sy(target.y)}" stroke="#999" stroke-dasharray="2,3"/>`);
    out.push(`<text x="${left + 4}" y="${sy(target.y) - 3}" font-size="9" fill="#777">${target.label}</text>`);
  }
  return out.join('\n');
}

export function historyChart(points: HistoryPoint[], baseline?: HistoryPoint[]): string {
  const line = (ps: HistoryPoint[], f: (p: HistoryPoint) => number): Array<[number, number]> => ps.map((p) => [p.historyMb, f(p)]);
  const write: Series[] = [{ name: 'segments: 200 KB execution, p50', color: '#1f77b4', points: line(points, (p) => p.writeP50Ms) }];
  const rss: Series[] = [
    { name: 'segments: daemon RSS writing', color: '#1f77b4', points: line(points, (p) => p.daemonRssWritingMb) },
    { name: 'segments: daemon RSS after open', color: '#2ca02c', points: line(points, (p) => p.daemonRssOpenMb) },
  ];
  if (baseline) {
    write.push({ name: 'before (all in sql.js)', color: '#d62728', dash: true, points: line(baseline, (p) => p.writeP50Ms) });
    rss.push({ name: 'before: RSS writing', color: '#d62728', dash: true, points: line(baseline, (p) => p.daemonRssWritingMb) });
    rss.push({ name: 'before: RSS after open', color: '#ff7f0e', dash: true, points: line(baseline, (p) => p.daemonRssOpenMb) });
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="300" font-family="sans-serif" font-size="12">
<rect width="760" height="300" fill="white"/>
${panel('write cost (store alone)', 'ms per durable 200 KB execution', write, 0, 380, 300)}
${panel('daemon memory', 'RSS (MB)', rss, 380, 380, 300, { y: 250, label: 'goal while writing: 250 MB' })}
</svg>
`;
}
