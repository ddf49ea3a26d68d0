/**
 * `format(...args)`, like Node's `util.format`: `%s %d %i %f %j %o %O %c %%`,
 * then the remaining arguments joined by spaces (strings as they are, other
 * values inspected).
 */
import * as P from './primordials';
import { inspect, type InspectOptions } from './inspect';
import { formatBigInt, formatNumber } from './inspect-leaf';

/** Names of the built-in constructors (global names like `Date`, `Map`), taken before session code runs. */
const builtInObjects = new P.SetCtor<string>();
for (const name of P.ObjectGetOwnPropertyNames(P.G)) {
  if (P.RegExpPrototypeExec(/^[A-Z][a-zA-Z0-9]+$/, name) !== null) P.SetPrototypeAdd(builtInObjects, name);
}

/** Whether `%s` should inspect the object rather than call its own `toString`. */
function hasBuiltInToString(value: any): boolean {
  try {
    if (typeof value.toString !== 'function') return true;
    if (P.ObjectPrototypeHasOwnProperty(value, 'toString')) return false;
    let pointer = value;
    do {
      pointer = P.ObjectGetPrototypeOf(pointer);
    } while (pointer !== null && !P.ObjectPrototypeHasOwnProperty(pointer, 'toString'));
    if (pointer === null) return true;
    const desc = P.ObjectGetOwnPropertyDescriptor(pointer, 'constructor');
    return desc !== undefined && typeof desc.value === 'function' && P.SetPrototypeHas(builtInObjects, desc.value.name);
  } catch {
    return true;
  }
}

function tryStringify(arg: unknown): string {
  try {
    return P.StringCtor(P.JSONStringify(arg));
  } catch (err) {
    if (err instanceof P.TypeErrorCtor && P.StringPrototypeIncludes(P.StringCtor((err as Error).message), 'circular')) return '[Circular]';
    throw err;
  }
}

export function formatWithOptions(opts: InspectOptions | undefined, args: unknown[]): string {
  const first = args[0];
  let a = 0;
  let str = '';
  let join = '';
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let lastPos = 0;
    let tempStr = '';
    for (let i = 0; i < first.length - 1; i++) {
      if (P.StringPrototypeCharCodeAt(first, i) !== 37) continue; // '%'
      const next = P.StringPrototypeCharCodeAt(first, ++i);
      if (a + 1 !== args.length) {
        switch (next) {
          case 115: { // s
            const arg = args[++a];
            if (typeof arg === 'number') tempStr = formatNumber(arg);
            else if (typeof arg === 'bigint') tempStr = formatBigInt(arg);
            else if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) tempStr = P.StringCtor(arg);
            else tempStr = inspect(arg, { ...opts, depth: 0, compact: 3 });
            break;
          }
          case 106: tempStr = tryStringify(args[++a]); break; // j
          case 100: { // d
            const arg = args[++a];
            if (typeof arg === 'bigint') tempStr = formatBigInt(arg);
            else if (typeof arg === 'symbol') tempStr = 'NaN';
            else tempStr = formatNumber(P.NumberCtor(arg));
            break;
          }
          case 79: tempStr = inspect(args[++a], opts); break; // O
          case 111: tempStr = inspect(args[++a], { ...opts, showHidden: true, depth: 4 }); break; // o
          case 105: { // i
            const arg = args[++a];
            if (typeof arg === 'bigint') tempStr = formatBigInt(arg);
            else if (typeof arg === 'symbol') tempStr = 'NaN';
            else tempStr = formatNumber(P.NumberParseInt(arg as string));
            break;
          }
          case 102: { // f
            const arg = args[++a];
            tempStr = typeof arg === 'symbol' ? 'NaN' : formatNumber(P.NumberParseFloat(arg as string));
            break;
          }
          case 99: a += 1; tempStr = ''; break; // c: CSS, ignored
          case 37: // %%
            str += P.StringPrototypeSlice(first, lastPos, i);
            lastPos = i + 1;
            continue;
          default:
            continue;
        }
        if (lastPos !== i - 1) str += P.StringPrototypeSlice(first, lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
      } else if (next === 37) {
        str += P.StringPrototypeSlice(first, lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = ' ';
      if (lastPos < first.length) str += P.StringPrototypeSlice(first, lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== 'string' ? inspect(value, opts) : value;
    join = ' ';
    a++;
  }
  return str;
}

export function format(...args: unknown[]): string {
  return formatWithOptions(undefined, args);
}
