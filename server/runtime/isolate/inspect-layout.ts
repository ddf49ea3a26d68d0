/**
 * Layout of inspect's output, as Node lays it out: entries on one line when
 * they fit in `breakLength` (80) within the innermost `compact` (3) levels,
 * otherwise one per line; arrays of more than six short entries in aligned
 * columns.
 */
import * as P from './primordials';
import type { InspectContext } from './inspect-leaf';

export const kObjectType = 0;
export const kArrayType = 1;
export const kArrayExtrasType = 2;

function isBelowBreakLength(ctx: InspectContext, output: string[], start: number, base: string): boolean {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    totalLength += output[i].length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === '' || !P.StringPrototypeIncludes(base, '\n');
}

export function reduceToSingleString(ctx: InspectContext, output: string[], base: string, braces: [string, string], extrasType: number, recurseTimes: number, value: unknown): string {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
      const entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
      // The innermost `compact` levels go on one line when they fit.
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = P.ArrayPrototypeJoin(output, ', ');
          if (!P.StringPrototypeIncludes(joined, '\n')) {
            return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
          }
        }
      }
    }
    const indentation = `\n${P.StringPrototypeRepeat(' ', ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${P.ArrayPrototypeJoin(output, `,${indentation}  `)}${indentation}${braces[1]}`;
  }
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ''} ${P.ArrayPrototypeJoin(output, ', ')} ${braces[1]}`;
  }
  const indentation = P.StringPrototypeRepeat(' ', ctx.indentationLvl);
  const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
  return `${braces[0]}${ln}${P.ArrayPrototypeJoin(output, `,\n${indentation}  `)} ${braces[1]}`;
}

/** Display width: wide (CJK, emoji) characters count two columns, combining marks none. */
function stringWidth(str: string): number {
  let width = 0;
  for (let i = 0; i < str.length; i++) {
    const code = P.StringPrototypeCodePointAt(str, i)!;
    if (code > 0xffff) i++;
    if (code < 0x300) width++;
    else if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || (code >= 0xfe00 && code <= 0xfe0f)) continue;
    else if ((code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3)
      || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60)
      || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1f64f) || (code >= 0x1f900 && code <= 0x1f9ff)
      || (code >= 0x20000 && code <= 0x3fffd)) width += 2;
    else width++;
  }
  return width;
}

/** Long arrays of short entries are laid out in aligned columns (numbers right-aligned). */
function groupArrayElements(ctx: InspectContext, output: string[], value: unknown): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (ctx.maxArrayLength < output.length) outputLength--; // leave out the "... more items" entry
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = stringWidth(output[i]);
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = P.MathSqrt(actualMax - totalLength / output.length);
    const biasedMax = P.MathMax(actualMax - 3 - averageBias, 1);
    const columns = P.MathMin(
      P.MathRound(P.MathSqrt(2.5 * biasedMax * outputLength) / biasedMax),
      P.MathFloor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      (ctx.compact as number) * 4,
      15,
    );
    if (columns <= 1) return output;
    const tmp: string[] = [];
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
      P.ArrayPrototypePush(maxLineLength, lineLength + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        const v = (value as any)[i];
        if (typeof v !== 'number' && typeof v !== 'bigint') {
          padStart = false;
          break;
        }
      }
    }
    for (let i = 0; i < outputLength; i += columns) {
      const max = P.MathMin(i + columns, outputLength);
      let str = '';
      let j = i;
      for (; j < max - 1; j++) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
        str += padStart ? P.StringPrototypePadStart(`${output[j]}, `, padding, ' ') : P.StringPrototypePadEnd(`${output[j]}, `, padding, ' ');
      }
      if (padStart) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
        str += P.StringPrototypePadStart(output[j], padding, ' ');
      } else {
        str += output[j];
      }
      P.ArrayPrototypePush(tmp, str);
    }
    if (ctx.maxArrayLength < output.length) P.ArrayPrototypePush(tmp, output[outputLength]);
    output = tmp;
  }
  return output;
}
