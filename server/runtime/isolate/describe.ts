/**
 * Values and exceptions as the host receives them: plain data built here,
 * inside the isolate, while the execution's time limits still apply (a getter
 * that spins while being read is stopped like any other code). Only strings,
 * numbers and plain JSON leave the isolate.
 */
import * as P from './primordials';
import * as T from './types';
import { inspect } from './inspect';
import type { RawException, RawValue } from './bridge';
import { clip, MAX_ERROR_TEXT_CHARS } from './outgoing';

/** json is left out past these sizes. */
const JSON_MAX_NODES = 10000;
const JSON_MAX_CHARS = 256 * 1024;
/** Previews are cut past this many characters (an event is no place for megabytes). */
const PREVIEW_MAX_CHARS = 100_000;

export function valueType(value: unknown): string {
  if (value === null) return 'null';
  const t = typeof value;
  if (t !== 'object') return t === 'function' ? 'function' : t;
  if (P.ArrayIsArray(value)) return 'array';
  if (T.isDate(value)) return 'date';
  if (T.isRegExp(value)) return 'regexp';
  if (T.isMap(value)) return 'map';
  if (T.isSet(value)) return 'set';
  if (T.isError(value)) return 'error';
  if (T.isPromise(value)) return 'promise';
  return 'object';
}

const NOT_JSON = Symbol('not json');

/**
 * A JSON copy of `value` when it is faithfully JSON-serialisable: no undefined,
 * functions, symbols, bigints, non-finite numbers, holes, cycles or accessors,
 * and no object whose JSON form would lose what it is (Map, Set, class with
 * toJSON...). Dates become their ISO string, as JSON.stringify does.
 */
export function toJson(value: unknown): { ok: true; json: unknown } | { ok: false } {
  const budget = { nodes: 0, chars: 0 };
  const stack: unknown[] = [];
  const walk = (v: unknown): unknown => {
    if (++budget.nodes > JSON_MAX_NODES) return NOT_JSON;
    switch (typeof v) {
      case 'string':
        budget.chars += v.length;
        return budget.chars > JSON_MAX_CHARS ? NOT_JSON : v;
      case 'boolean': return v;
      case 'number': return P.NumberIsFinite(v) ? v : NOT_JSON;
      case 'object': break;
      default: return NOT_JSON;
    }
    if (v === null) return null;
    if (P.ArrayPrototypeIncludes(stack, v)) return NOT_JSON;
    if (T.isDate(v)) {
      const t = P.DatePrototypeGetTime(v);
      return P.NumberIsNaN(t) ? NOT_JSON : P.DatePrototypeToISOString(v);
    }
    P.ArrayPrototypePush(stack, v);
    try {
      if (P.ArrayIsArray(v)) {
        const out: unknown[] = [];
        const len = (v as unknown[]).length;
        for (let i = 0; i < len; i++) {
          const desc = P.ObjectGetOwnPropertyDescriptor(v, i);
          if (!desc || !('value' in desc)) return NOT_JSON;
          const item = walk(desc.value);
          if (item === NOT_JSON) return NOT_JSON;
          P.ArrayPrototypePush(out, item);
        }
        return out;
      }
      const proto = P.ObjectGetPrototypeOf(v);
      if (proto !== P.ObjectPrototype && proto !== null) {
        // Class instances are fine when they are plain data; built-ins (Map, RegExp...) are not.
        if (valueType(v) !== 'object' || T.typedArrayName(v) !== undefined || T.isArrayBuffer(v) || T.isBoxedPrimitive(v)
          || T.isWeakMap(v) || T.isWeakSet(v) || typeof (v as any).toJSON === 'function') return NOT_JSON;
      }
      const out: Record<string, unknown> = {};
      for (const key of P.ObjectKeys(v as object)) {
        const desc = P.ObjectGetOwnPropertyDescriptor(v, key);
        if (!desc || !('value' in desc)) return NOT_JSON;
        const item = walk(desc.value);
        if (item === NOT_JSON) return NOT_JSON;
        budget.chars += key.length;
        // A plain store (V8's side-effect checks, under which previews run, refuse defineProperty);
        // only `__proto__` needs defining, or it would set the prototype.
        if (key === '__proto__') P.ObjectDefineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
        else out[key] = item;
      }
      return out;
    } finally {
      P.ArrayPrototypePop(stack);
    }
  };
  try {
    const json = walk(value);
    return json === NOT_JSON ? { ok: false } : { ok: true, json };
  } catch {
    return { ok: false };
  }
}

function safeInspect(value: unknown): string {
  try {
    return inspect(value);
  } catch (err) {
    let why = 'unknown error';
    try {
      why = P.StringCtor((err as Error)?.message ?? err);
    } catch {
      // keep the generic reason
    }
    return `[value could not be inspected: ${why}]`;
  }
}

export function describeValue(value: unknown): RawValue {
  const type = valueType(value);
  let preview = typeof value === 'string' ? value : safeInspect(value);
  if (preview.length > PREVIEW_MAX_CHARS) {
    const more = preview.length - PREVIEW_MAX_CHARS;
    preview = `${P.StringPrototypeSlice(preview, 0, PREVIEW_MAX_CHARS)}... ${more} more character${more > 1 ? 's' : ''}`;
  }
  const out: RawValue = { type, preview };
  if (value !== undefined && type !== 'function' && type !== 'symbol' && type !== 'bigint') {
    const json = toJson(value);
    if (json.ok) out.json = json.json;
  }
  return out;
}

function str(v: unknown, fallback: string): string {
  try {
    return v === undefined || v === null ? fallback : P.StringCtor(v);
  } catch {
    return fallback;
  }
}

/** An exception payload for any thrown value (`throw 42` reads `Uncaught 42`, like Node's REPL). */
export function describeError(error: unknown): RawException {
  if (T.isError(error)) {
    const e = error as any;
    let name = 'Error';
    let message = '';
    let stack = '';
    try { name = str(e.name, 'Error'); } catch { /* a throwing getter */ }
    try { message = str(e.message, ''); } catch { /* a throwing getter */ }
    try { stack = str(e.stack, ''); } catch { /* a throwing getter */ }
    if (stack === '') stack = message ? `${name}: ${message}` : name;
    return { name: clip(name, 1000), message: clip(message, MAX_ERROR_TEXT_CHARS), stack: clip(stack, MAX_ERROR_TEXT_CHARS) };
  }
  const text = safeInspect(error);
  return { name: 'Uncaught', message: clip(text, MAX_ERROR_TEXT_CHARS), stack: clip(`Uncaught ${text}`, MAX_ERROR_TEXT_CHARS) };
}
