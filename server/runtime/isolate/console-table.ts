/** `console.table` rendering, laid out like Node's (box-drawing borders, centred cells). */
import * as P from './primordials';
import * as T from './types';
import { inspect } from './inspect';

function width(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = P.StringPrototypeCharCodeAt(s, i);
    if (c >= 0xd800 && c <= 0xdbff) continue; // count a surrogate pair once
    n++;
  }
  return n;
}

function renderRow(row: string[], widths: number[]): string {
  let out = '│ ';
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    const needed = (widths[i] - width(cell)) / 2;
    out += P.StringPrototypeRepeat(' ', P.MathFloor(needed)) + cell + P.StringPrototypeRepeat(' ', P.MathFloor(needed + 0.5));
    if (i !== row.length - 1) out += ' │ ';
  }
  return `${out} │`;
}

function render(head: string[], columns: string[][]): string {
  const widths = P.ArrayPrototypeMap(head, width);
  let longest = 0;
  for (const column of columns) longest = P.MathMax(longest, column.length);
  const rows: string[][] = [];
  for (let i = 0; i < head.length; i++) {
    const column = columns[i];
    for (let j = 0; j < longest; j++) {
      rows[j] ??= [];
      const value = (rows[j][i] = P.ObjectPrototypeHasOwnProperty(column, j) ? column[j] : '');
      widths[i] = P.MathMax(widths[i] || 0, width(value));
    }
  }
  const divider = P.ArrayPrototypeMap(widths, (w) => P.StringPrototypeRepeat('─', w + 2));
  let result = `┌${P.ArrayPrototypeJoin(divider, '┬')}┐\n${renderRow(head, widths)}\n├${P.ArrayPrototypeJoin(divider, '┼')}┤\n`;
  for (const row of rows) result += `${renderRow(row, widths)}\n`;
  return `${result}└${P.ArrayPrototypeJoin(divider, '┴')}┘`;
}

const cell = (v: unknown): string => {
  const depth = v !== null && typeof v === 'object' && !P.ArrayIsArray(v) && P.ObjectKeys(v).length > 2 ? -1 : 0;
  return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity });
};

/** The table's text, or undefined when the data is not tabular (then it is logged as is). */
export function renderTable(data: unknown, properties?: string[]): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const indexes = (n: number) => P.ArrayFrom({ length: n }, (_, i) => cell(i));
  if (T.isMap(data)) {
    const keys: string[] = [];
    const values: string[] = [];
    const it = P.MapPrototypeEntries(data as Map<unknown, unknown>);
    for (let step = P.MapIteratorNext(it); !step.done; step = P.MapIteratorNext(it)) {
      const [k, v] = step.value as [unknown, unknown];
      P.ArrayPrototypePush(keys, cell(k));
      P.ArrayPrototypePush(values, cell(v));
    }
    return render(['(iteration index)', 'Key', 'Values'], [indexes(keys.length), keys, values]);
  }
  if (T.isSet(data)) {
    const values: string[] = [];
    const it = P.SetPrototypeValues(data as Set<unknown>);
    for (let step = P.SetIteratorNext(it); !step.done; step = P.SetIteratorNext(it)) P.ArrayPrototypePush(values, cell(step.value));
    return render(['(iteration index)', 'Values'], [indexes(values.length), values]);
  }
  const map: Record<string, string[]> = P.ObjectCreate(null);
  const columnOrder: string[] = [];
  let hasPrimitives = false;
  const primitiveValues: string[] = [];
  const indexKeys = P.ObjectKeys(data);
  for (let i = 0; i < indexKeys.length; i++) {
    const item = (data as any)[indexKeys[i]];
    const primitive = item === null || (typeof item !== 'function' && typeof item !== 'object');
    if (properties === undefined && primitive) {
      hasPrimitives = true;
      primitiveValues[i] = cell(item);
    } else {
      const keys = properties || P.ObjectKeys(item);
      for (const key of keys) {
        if (map[key] === undefined) {
          map[key] = [];
          P.ArrayPrototypePush(columnOrder, key);
        }
        map[key][i] = (primitive && properties) || !P.ObjectPrototypeHasOwnProperty(item, key) ? '' : cell(item[key]);
      }
    }
  }
  const head = ['(index)', ...columnOrder];
  const columns = [indexKeys, ...P.ArrayPrototypeMap(columnOrder, (k) => map[k])];
  if (hasPrimitives) {
    P.ArrayPrototypePush(head, 'Values');
    P.ArrayPrototypePush(columns, primitiveValues);
  }
  return render(head, columns);
}
