/**
 * Just enough of source maps (v3) to map a generated line/column back to the
 * source: a transpiled TypeScript file (one source), or a package bundle
 * (many sources, named relative to the worktree). Only the generated →
 * original position mapping is decoded (VLQ), lazily, once per file.
 */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...B64].map((c, i) => [c, i]));

/** Segments per generated line: [generatedColumn, originalLine, originalColumn, sourceIndex] (0-based). */
type Line = Array<[number, number, number, number]>;

export class SourceMap {
  private lines: Line[] | undefined;
  /** The map's JSON, for a map made by `lazy` that has not been asked for a position yet. */
  private json: string | undefined;

  constructor(private mappings: string, private sources: string[] = []) {}

  /** A map whose JSON is parsed when first asked for a position: most package bundles never throw. An invalid one maps nothing. */
  static lazy(text: string): SourceMap {
    const map = new SourceMap('');
    map.json = text;
    return map;
  }

  static fromJson(text: string): SourceMap | undefined {
    try {
      const json = JSON.parse(text) as { mappings?: unknown; sources?: unknown };
      const sources = Array.isArray(json.sources) ? json.sources.map(String) : [];
      return typeof json.mappings === 'string' ? new SourceMap(json.mappings, sources) : undefined;
    } catch {
      return undefined;
    }
  }

  private decode(): Line[] {
    const lines: Line[] = [];
    let srcLine = 0;
    let srcCol = 0;
    let source = 0;
    for (const text of this.mappings.split(';')) {
      const line: Line = [];
      let genCol = 0;
      for (const seg of text.split(',')) {
        if (!seg) continue;
        const values: number[] = [];
        let value = 0;
        let shift = 0;
        for (const ch of seg) {
          const digit = DIGIT.get(ch) ?? 0;
          value += (digit & 31) << shift;
          if (digit & 32) {
            shift += 5;
          } else {
            values.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        genCol += values[0] ?? 0;
        if (values.length >= 4) {
          source += values[1];
          srcLine += values[2];
          srcCol += values[3];
          line.push([genCol, srcLine, srcCol, source]);
        }
      }
      lines.push(line);
    }
    return lines;
  }

  /** 1-based in, 1-based out, with the source file when the map names one; undefined when the position has no mapping. */
  original(line: number, column: number): { line: number; column: number; source?: string } | undefined {
    if (this.json !== undefined) {
      const parsed = SourceMap.fromJson(this.json);
      this.json = undefined;
      if (parsed) {
        this.mappings = parsed.mappings;
        this.sources = parsed.sources;
      }
    }
    this.lines ??= this.decode();
    const segments = this.lines[line - 1];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0];
    for (const seg of segments) {
      if (seg[0] <= column - 1) best = seg;
      else break;
    }
    // Within a segment (one token) generated and original text advance together.
    return { line: best[1] + 1, column: best[2] + 1 + Math.max(0, column - 1 - best[0]), source: this.sources[best[3]] };
  }
}
