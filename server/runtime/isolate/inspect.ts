/**
 * `inspect(value, options)` inside the isolate, reading like Node's
 * `util.inspect` (v20): `[ 1, 2, 3 ]`, `{ a: 1, b: 'x' }`, `Map(1) { 'a' => 1 }`,
 * `[Function: f]`, `[class A]`, `<ref *1>` / `[Circular *1]`, depth 2 then
 * `[Object]`, `... N more items`, grouping of long arrays into columns and line
 * breaking past `breakLength` (80). Node is not available in here, so this is
 * a rewrite of its algorithm over the captured built-ins (primordials.ts).
 *
 * What cannot be done from plain JavaScript, and is therefore different:
 * a Promise's state (`Promise { <unknown> }`), the entries of Map/Set
 * iterators and weak collections, and Proxy detection (a proxy is inspected
 * through its traps, like any object).
 */
import type { InspectStyle } from './bridge';
import * as P from './primordials';
import * as T from './types';
import {
  escapeControl, formatBigInt, formatError, formatNumber, formatPrimitive, getBoxedBase, getConstructorName, getCtxName,
  getFunctionBase, getPrefix, isPlainKey, strEscape, type InspectContext,
} from './inspect-leaf';
import { kArrayExtrasType, kArrayType, kObjectType, reduceToSingleString } from './inspect-layout';

export interface InspectOptions {
  depth?: number | null;
  breakLength?: number;
  compact?: number | boolean;
  maxArrayLength?: number | null;
  maxStringLength?: number | null;
  showHidden?: boolean;
  customInspect?: boolean;
  sorted?: boolean;
  getters?: boolean;
}

export const customInspectSymbol: unique symbol = P.SymbolFor('nodejs.util.inspect.custom') as any;


const OPTION_KEYS = ['depth', 'breakLength', 'compact', 'maxArrayLength', 'maxStringLength', 'showHidden', 'customInspect', 'sorted', 'getters'] as const;

const style: InspectStyle = { symbolKeysInBrackets: true, bufferPropsInBrackets: false };

/** Set once when the session boots, from the host's Node (see InspectStyle). */
export function setInspectStyle(next: InspectStyle): void {
  style.symbolKeysInBrackets = next.symbolKeysInBrackets === true;
  style.bufferPropsInBrackets = next.bufferPropsInBrackets === true;
}

export function inspect(value: unknown, opts?: InspectOptions): string {
  const ctx: InspectContext = {
    budget: {}, indentationLvl: 0, seen: [], currentDepth: 0,
    depth: 2, breakLength: 80, compact: 3, maxArrayLength: 100, maxStringLength: 10000,
    showHidden: false, customInspect: true, sorted: false, getters: false,
  };
  if (opts) {
    for (const key of OPTION_KEYS) {
      const v = (opts as any)[key];
      if (v !== undefined) (ctx as any)[key] = v === null ? Infinity : v;
    }
  }
  return formatValue(ctx, value, 0);
}
(inspect as any).custom = customInspectSymbol;

function userOptions(ctx: InspectContext): object {
  const out: Record<string, unknown> = { stylize: (s: string) => s };
  for (const key of OPTION_KEYS) out[key] = (ctx as any)[key];
  return out;
}

export function formatValue(ctx: InspectContext, value: unknown, recurseTimes: number, typedArray?: boolean): string {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(value, ctx);
  if (value === null) return 'null';
  const obj = value as any;
  if (ctx.customInspect) {
    let custom: unknown;
    try {
      custom = obj[customInspectSymbol];
    } catch {
      custom = undefined;
    }
    if (typeof custom === 'function' && custom !== inspect && !(obj.constructor && obj.constructor.prototype === obj)) {
      const depth = ctx.depth - recurseTimes;
      const ret = P.ReflectApply(custom, obj, [depth, userOptions(ctx), inspect]);
      if (ret !== obj) {
        if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
        return P.StringPrototypeReplace(ret, /\n/g, `\n${P.StringPrototypeRepeat(' ', ctx.indentationLvl)}`);
      }
    }
  }
  if (P.ArrayPrototypeIncludes(ctx.seen, value)) {
    let index = 1;
    if (ctx.circular === undefined) {
      ctx.circular = new P.MapCtor();
      P.MapPrototypeSet(ctx.circular, value, index);
    } else {
      index = P.MapPrototypeGet(ctx.circular, value);
      if (index === undefined) {
        index = P.MapPrototypeSizeGetter(ctx.circular) + 1;
        P.MapPrototypeSet(ctx.circular, value, index);
      }
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, obj, recurseTimes, typedArray);
}

function getKeys(value: object, showHidden: boolean): PropertyKey[] {
  const symbols = P.ObjectGetOwnPropertySymbols(value);
  const keys: PropertyKey[] = showHidden ? P.ObjectGetOwnPropertyNames(value) : P.ObjectKeys(value);
  for (const sym of symbols) {
    if (showHidden || P.ObjectPrototypePropertyIsEnumerable(value, sym)) P.ArrayPrototypePush(keys, sym);
  }
  return keys;
}

function isIndex(key: PropertyKey): boolean {
  if (typeof key !== 'string') return false;
  const n = P.NumberCtor(key);
  return n >= 0 && n < 4294967295 && P.MathTrunc(n) === n && `${n}` === key;
}

/** Own keys of an array-like that are not indices (e.g. `[ 1, 2, a: 1 ]`). */
function getNonIndexKeys(value: object, showHidden: boolean): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const key of P.ReflectOwnKeys(value)) {
    if (isIndex(key)) continue;
    if (showHidden || P.ObjectPrototypePropertyIsEnumerable(value, key)) P.ArrayPrototypePush(out, key);
  }
  return out;
}

type Formatter = (ctx: InspectContext, value: any, recurseTimes: number) => string[];
const noEntries: Formatter = () => [];

function formatRaw(ctx: InspectContext, value: any, recurseTimes: number, typedArray?: boolean): string {
  let keys: PropertyKey[] = [];
  const constructor = getConstructorName(value, ctx, recurseTimes, inspect);
  let tag: unknown;
  try {
    tag = value[P.SymbolToStringTag];
  } catch {
    tag = undefined;
  }
  // The tag is shown only when it is not already listed as an own (enumerable) key.
  if (typeof tag !== 'string' || (tag !== '' && (ctx.showHidden ? P.ObjectPrototypeHasOwnProperty : P.ObjectPrototypePropertyIsEnumerable)(value, P.SymbolToStringTag))) {
    tag = '';
  }
  const tagStr = tag as string;
  let base = '';
  let formatter: Formatter = noEntries;
  let braces: [string, string] = ['{', '}'];
  let extrasType = kObjectType;
  let handled = false;

  const taName = T.typedArrayName(value);
  if (P.ArrayIsArray(value)) {
    handled = true;
    const prefix = constructor !== 'Array' || tagStr !== '' ? getPrefix(constructor, tagStr, 'Array', `(${value.length})`) : '';
    keys = getNonIndexKeys(value, ctx.showHidden);
    braces = [`${prefix}[`, ']'];
    if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
    extrasType = kArrayExtrasType;
    formatter = formatArray;
  } else if (T.isSet(value)) {
    handled = true;
    const size = P.SetPrototypeSizeGetter(value);
    const prefix = getPrefix(constructor, tagStr, 'Set', `(${size})`);
    keys = getKeys(value, ctx.showHidden);
    formatter = formatSet;
    if (size === 0 && keys.length === 0) return `${prefix}{}`;
    braces = [`${prefix}{`, '}'];
  } else if (T.isMap(value)) {
    handled = true;
    const size = P.MapPrototypeSizeGetter(value);
    const prefix = getPrefix(constructor, tagStr, 'Map', `(${size})`);
    keys = getKeys(value, ctx.showHidden);
    formatter = formatMap;
    if (size === 0 && keys.length === 0) return `${prefix}{}`;
    braces = [`${prefix}{`, '}'];
  } else if (taName !== undefined) {
    handled = true;
    keys = getNonIndexKeys(value, ctx.showHidden);
    const size = P.TypedArrayLengthGetter(value);
    const prefix = getPrefix(constructor, tagStr, constructor === null ? taName : '', `(${size})`);
    braces = [`${prefix}[`, ']'];
    if (size === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
    formatter = formatTypedArray;
    extrasType = kArrayExtrasType;
  } else if (T.isMapIterator(value) || T.isSetIterator(value)) {
    handled = true;
    keys = getKeys(value, ctx.showHidden);
    const type = T.isMapIterator(value) ? 'Map' : 'Set';
    let t = tagStr;
    if (t !== `${type} Iterator`) t = (t !== '' ? `${t}] [` : '') + `${type} Iterator`;
    braces = [`[${t}] {`, '}'];
    formatter = () => ['<items unknown>'];
  }

  if (!handled) {
    keys = getKeys(value, ctx.showHidden);
    braces = ['{', '}'];
    if (constructor === 'Object') {
      if (T.isArgumentsObject(value)) braces[0] = '[Arguments] {';
      else if (tagStr !== '') braces[0] = `${getPrefix(constructor, tagStr, 'Object')}{`;
      if (keys.length === 0) return `${braces[0]}}`;
    } else if (typeof value === 'function') {
      base = getFunctionBase(value, constructor, tagStr);
      if (keys.length === 0) return base;
    } else if (T.isRegExp(value)) {
      base = P.RegExpPrototypeToString(constructor !== null ? value : new RegExp(value));
      const prefix = getPrefix(constructor, tagStr, 'RegExp');
      if (prefix !== 'RegExp ') base = `${prefix}${base}`;
      if (keys.length === 0 || recurseTimes > ctx.depth) return base;
    } else if (T.isDate(value)) {
      const time = P.DatePrototypeGetTime(value);
      base = P.NumberIsNaN(time) ? P.DatePrototypeToString(value) : P.DatePrototypeToISOString(value);
      const prefix = getPrefix(constructor, tagStr, 'Date');
      if (prefix !== 'Date ') base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (T.isError(value)) {
      base = formatError(value, constructor, tagStr, ctx, keys);
      if (keys.length === 0) return base;
    } else if (T.isArrayBuffer(value)) {
      const prefix = getPrefix(constructor, tagStr, 'ArrayBuffer');
      if (typedArray !== true) formatter = formatArrayBuffer;
      else if (keys.length === 0) return `${prefix}{ byteLength: ${formatNumber(P.ArrayBufferByteLengthGetter(value))} }`;
      braces[0] = `${prefix}{`;
      P.ArrayPrototypeUnshift(keys, 'byteLength');
    } else if (T.isDataView(value)) {
      braces[0] = `${getPrefix(constructor, tagStr, 'DataView')}{`;
      P.ArrayPrototypeUnshift(keys, 'byteLength', 'byteOffset', 'buffer');
    } else if (T.isPromise(value)) {
      braces[0] = `${getPrefix(constructor, tagStr, 'Promise')}{`;
      formatter = () => ['<unknown>'];
    } else if (T.isWeakSet(value) || T.isWeakMap(value)) {
      braces[0] = `${getPrefix(constructor, tagStr, T.isWeakSet(value) ? 'WeakSet' : 'WeakMap')}{`;
      formatter = () => ['<items unknown>'];
    } else if (T.isBoxedPrimitive(value)) {
      base = getBoxedBase(value, ctx, keys, constructor, tagStr);
      if (keys.length === 0) return base;
    } else {
      if (keys.length === 0) return `${getCtxName(constructor, tagStr)}{}`;
      braces[0] = `${getCtxName(constructor, tagStr)}{`;
    }
  }

  if (recurseTimes > ctx.depth) {
    let name = P.StringPrototypeSlice(getCtxName(constructor, tagStr), 0, -1);
    if (constructor !== null) name = `[${name}]`;
    return name;
  }
  recurseTimes += 1;
  P.ArrayPrototypePush(ctx.seen, value);
  ctx.currentDepth = recurseTimes;
  let output: string[];
  const indentationLvl = ctx.indentationLvl;
  try {
    output = formatter(ctx, value, recurseTimes);
    for (let i = 0; i < keys.length; i++) {
      P.ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
    }
  } catch (err) {
    P.ArrayPrototypePop(ctx.seen);
    ctx.indentationLvl = indentationLvl;
    if (err instanceof P.RangeErrorCtor && P.RegExpPrototypeExec(/call stack/i, P.StringCtor((err as Error).message)) !== null) {
      const name = P.StringPrototypeSlice(getCtxName(constructor, tagStr), 0, -1);
      return `[${name}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
    }
    throw err;
  }
  if (ctx.circular !== undefined) {
    const index = P.MapPrototypeGet(ctx.circular, value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      if (ctx.compact !== true) base = base === '' ? reference : `${reference} ${base}`;
      else braces[0] = `${reference} ${braces[0]}`;
    }
  }
  P.ArrayPrototypePop(ctx.seen);
  if (ctx.sorted) {
    if (extrasType === kObjectType) P.ArrayPrototypeSort(output);
    else if (keys.length > 1) {
      const sorted = P.ArrayPrototypeSort(P.ArrayPrototypeSlice(output, output.length - keys.length));
      P.ArrayPrototypeSplice(output, output.length - keys.length, keys.length, ...sorted);
    }
  }
  const res = reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  const budget = ctx.budget[ctx.indentationLvl] || 0;
  const newLength = budget + res.length;
  ctx.budget[ctx.indentationLvl] = newLength;
  // Past 2^27 characters the rest is inspected at the shallowest depth (as Node does).
  if (newLength > 2 ** 27) ctx.depth = -1;
  return res;
}

function moreItems(remaining: number): string {
  return `... ${remaining} more item${remaining > 1 ? 's' : ''}`;
}

function formatArray(ctx: InspectContext, value: any[], recurseTimes: number): string[] {
  const valLen = value.length;
  const len = P.MathMin(P.MathMax(0, ctx.maxArrayLength), valLen);
  const output: string[] = [];
  for (let i = 0; i < len; i++) {
    if (!P.ObjectPrototypeHasOwnProperty(value, i)) return formatSparseArray(ctx, value, recurseTimes, len, output, i);
    P.ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (valLen - len > 0) P.ArrayPrototypePush(output, moreItems(valLen - len));
  return output;
}

/** `/^(0|[1-9][0-9]*)$/` without a regular expression (see inspect-leaf.ts for why). */
function isCanonicalIndex(key: string): boolean {
  if (key.length === 0 || (key.length > 1 && P.StringPrototypeCharCodeAt(key, 0) === 48)) return false;
  for (let i = 0; i < key.length; i++) {
    const c = P.StringPrototypeCharCodeAt(key, i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function formatSparseArray(ctx: InspectContext, value: any[], recurseTimes: number, maxLength: number, output: string[], i: number): string[] {
  const keys = P.ObjectKeys(value);
  let index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i];
    const tmp = +key;
    if (tmp > 2 ** 32 - 2) break;
    if (`${index}` !== key) {
      if (!isCanonicalIndex(key)) break;
      const empty = tmp - index;
      P.ArrayPrototypePush(output, `<${empty} empty item${empty > 1 ? 's' : ''}>`);
      index = tmp;
      if (output.length === maxLength) break;
    }
    P.ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, key, kArrayType));
    index++;
  }
  const remaining = value.length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) P.ArrayPrototypePush(output, `<${remaining} empty item${remaining > 1 ? 's' : ''}>`);
  } else if (remaining > 0) {
    P.ArrayPrototypePush(output, moreItems(remaining));
  }
  return output;
}

function formatTypedArray(ctx: InspectContext, value: any, recurseTimes: number): string[] {
  const length = P.TypedArrayLengthGetter(value);
  const maxLength = P.MathMin(P.MathMax(0, ctx.maxArrayLength), length);
  const output: string[] = [];
  for (let i = 0; i < maxLength; i++) {
    const v = value[i];
    P.ArrayPrototypePush(output, typeof v === 'bigint' ? formatBigInt(v) : formatNumber(v));
  }
  if (length - maxLength > 0) P.ArrayPrototypePush(output, moreItems(length - maxLength));
  if (ctx.showHidden) {
    ctx.indentationLvl += 2;
    for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
      P.ArrayPrototypePush(output, `[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

function formatArrayBuffer(ctx: InspectContext, value: ArrayBuffer): string[] {
  let bytes: Uint8Array;
  try {
    bytes = new P.Uint8ArrayCtor(value);
  } catch {
    return ['(detached)'];
  }
  const n = P.MathMin(ctx.maxArrayLength, bytes.length);
  let str = '';
  for (let i = 0; i < n; i++) str += (i ? ' ' : '') + P.StringPrototypePadStart(P.NumberPrototypeToString(bytes[i], 16), 2, '0');
  const remaining = bytes.length - ctx.maxArrayLength;
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  return [`[Uint8Contents]: <${str}>`];
}

function formatSet(ctx: InspectContext, value: Set<unknown>, recurseTimes: number): string[] {
  const length = P.SetPrototypeSizeGetter(value);
  const maxLength = P.MathMin(P.MathMax(0, ctx.maxArrayLength), length);
  const output: string[] = [];
  ctx.indentationLvl += 2;
  const it = P.SetPrototypeValues(value);
  for (let i = 0; i < maxLength; i++) {
    const step = P.SetIteratorNext(it);
    if (step.done) break;
    P.ArrayPrototypePush(output, formatValue(ctx, step.value, recurseTimes));
  }
  if (length - maxLength > 0) P.ArrayPrototypePush(output, moreItems(length - maxLength));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx: InspectContext, value: Map<unknown, unknown>, recurseTimes: number): string[] {
  const length = P.MapPrototypeSizeGetter(value);
  const maxLength = P.MathMin(P.MathMax(0, ctx.maxArrayLength), length);
  const output: string[] = [];
  ctx.indentationLvl += 2;
  const it = P.MapPrototypeEntries(value);
  for (let i = 0; i < maxLength; i++) {
    const step = P.MapIteratorNext(it);
    if (step.done) break;
    const [k, v] = step.value as [unknown, unknown];
    P.ArrayPrototypePush(output, `${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
  }
  if (length - maxLength > 0) P.ArrayPrototypePush(output, moreItems(length - maxLength));
  ctx.indentationLvl -= 2;
  return output;
}

function formatProperty(ctx: InspectContext, value: any, recurseTimes: number, key: PropertyKey, type: number): string {
  let str: string;
  let extra = ' ';
  // No own descriptor: an ArrayBuffer's or DataView's prototype getter listed as a key.
  const desc: PropertyDescriptor = P.ObjectGetOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: !style.bufferPropsInBrackets };
  if (desc.value !== undefined) {
    const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
    ctx.indentationLvl += diff;
    str = formatValue(ctx, desc.value, recurseTimes);
    if (diff === 3 && ctx.breakLength < str.length) extra = `\n${P.StringPrototypeRepeat(' ', ctx.indentationLvl)}`;
    ctx.indentationLvl -= diff;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? '[Getter/Setter]' : '[Getter]';
  } else if (desc.set !== undefined) {
    str = '[Setter]';
  } else {
    str = 'undefined';
  }
  if (type === kArrayType) return str;
  let name: string;
  if (typeof key === 'symbol') name = style.symbolKeysInBrackets ? `[${escapeControl(P.SymbolPrototypeToString(key))}]` : escapeControl(P.SymbolPrototypeToString(key));
  else if (key === '__proto__') name = "['__proto__']";
  else if (desc.enumerable === false) name = `[${escapeControl(P.StringCtor(key))}]`;
  else if (isPlainKey(P.StringCtor(key))) name = P.StringCtor(key);
  else name = strEscape(P.StringCtor(key));
  return `${name}:${extra}${str}`;
}
