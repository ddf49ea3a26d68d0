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

/** A table as columns of cells: the header and one array per column (index column first). */
export interface TableGrid { head: string[]; columns: string[][] }

/**
 * The rows of `data` laid out as console.table does (index column, one
 * column per key, `Values` for primitive rows), each cell written by `cellOf`;
 * undefined when the data is not tabular.
 */
export function tabulate(data: unknown, properties: string[] | undefined, cellOf: (v: unknown) => string): TableGrid | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const indexes = (n: number) => P.ArrayFrom({ length: n }, (_, i) => cell(i));
  if (T.isMap(data)) {
    const keys: string[] = [];
    const values: string[] = [];
    const it = P.MapPrototypeEntries(data as Map<unknown, unknown>);
    for (let step = P.MapIteratorNext(it); !step.done; step = P.MapIteratorNext(it)) {
      const [k, v] = step.value as [unknown, unknown];
      P.ArrayPrototypePush(keys, cellOf(k));
      P.ArrayPrototypePush(values, cellOf(v));
    }
    return { head: ['(iteration index)', 'Key', 'Values'], columns: [indexes(keys.length), keys, values] };
  }
  if (T.isSet(data)) {
    const values: string[] = [];
    const it = P.SetPrototypeValues(data as Set<unknown>);
    for (let step = P.SetIteratorNext(it); !step.done; step = P.SetIteratorNext(it)) P.ArrayPrototypePush(values, cellOf(step.value));
    return { head: ['(iteration index)', 'Values'], columns: [indexes(values.length), values] };
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
      primitiveValues[i] = cellOf(item);
    } else {
      const keys = properties || P.ObjectKeys(item);
      for (const key of keys) {
        if (map[key] === undefined) {
          map[key] = [];
          P.ArrayPrototypePush(columnOrder, key);
        }
        map[key][i] = (primitive && properties) || !P.ObjectPrototypeHasOwnProperty(item, key) ? '' : cellOf(item[key]);
      }
    }
  }
  const head = ['(index)', ...columnOrder];
  const columns = [indexKeys, ...P.ArrayPrototypeMap(columnOrder, (k) => map[k])];
  if (hasPrimitives) {
    P.ArrayPrototypePush(head, 'Values');
    P.ArrayPrototypePush(columns, primitiveValues);
  }
  return { head, columns };
}

/** Rows of a grid (a missing cell is ''). */
export function gridRows(grid: TableGrid): string[][] {
  let longest = 0;
  for (const column of grid.columns) longest = P.MathMax(longest, column.length);
  const rows: string[][] = [];
  for (let j = 0; j < longest; j++) {
    const row: string[] = [];
    for (let i = 0; i < grid.head.length; i++) {
      P.ArrayPrototypePush(row, P.ObjectPrototypeHasOwnProperty(grid.columns[i], j) ? grid.columns[i][j] : '');
    }
    P.ArrayPrototypePush(rows, row);
  }
  return rows;
}

/** The table's text, or undefined when the data is not tabular (then it is logged as is). */
export function renderTable(data: unknown, properties?: string[]): string | undefined {
  const grid = tabulate(data, properties, cell);
  return grid && render(grid.head, grid.columns);
}
