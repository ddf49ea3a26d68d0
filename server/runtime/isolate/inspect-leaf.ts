/**
 * The leaves of `inspect` (see inspect.ts): primitives, string quoting,
 * constructor names and prefixes, function/class/boxed bases and errors.
 * The output follows Node's `util.inspect` (v20) rule for rule; the test
 * test/runtime/inspect.test.ts compares both on the same values.
 */
import * as P from './primordials';
import * as T from './types';

export interface InspectContext {
  budget: Record<number, number>;
  indentationLvl: number;
  seen: unknown[];
  currentDepth: number;
  circular?: Map<unknown, number>;
  depth: number;
  breakLength: number;
  compact: number | boolean;
  maxArrayLength: number;
  maxStringLength: number;
  showHidden: boolean;
  customInspect: boolean;
  sorted: boolean;
  getters: boolean;
}

const kMinLineWidth = 16;

// Escapes for control characters, the quote and the backslash (like JSON, but `\x..`).
const meta: string[] = [];
for (let i = 0; i < 0xa0; i++) {
  const hex = P.StringPrototypeToUpperCase(P.StringPrototypePadStart(P.NumberPrototypeToString(i, 16), 2, '0'));
  meta[i] = i < 0x20 || (i >= 0x7f && i < 0xa0) ? `\\x${hex}` : '';
}
meta[8] = '\\b'; meta[9] = '\\t'; meta[10] = '\\n'; meta[12] = '\\f'; meta[13] = '\\r';
meta[39] = "\\'"; meta[92] = '\\\\';

const escapeAnyReG = /[\x00-\x1f\x27\x5c\x7f-\x9f]/g;
const escapeNoQuoteReG = /[\x00-\x1f\x5c\x7f-\x9f]/g;
export const keyStrRe = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

const escapeFn = (s: string) => meta[P.StringPrototypeCharCodeAt(s, 0)];

/*
 * The common paths below test strings with loops rather than regular
 * expressions: a RegExp exec writes the engine's last-match state, which V8's
 * side-effect checks refuse, and previews (`sessions/preview`) describe values
 * under those checks.
 */

/** Does `str` hold a character escapeAnyRe (withQuote) or escapeNoQuoteRe matches? */
function needsEscape(str: string, withQuote: boolean): boolean {
  for (let i = 0; i < str.length; i++) {
    const c = P.StringPrototypeCharCodeAt(str, i);
    if (c < 0x20 || c === 0x5c || (c >= 0x7f && c <= 0x9f) || (withQuote && c === 0x27)) return true;
  }
  return false;
}

/** `s.split('\n')` with indexOf and slice (String.prototype.split is refused by V8's side-effect checks). */
function splitLines(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let at = P.StringPrototypeIndexOf(s, '\n'); at !== -1; at = P.StringPrototypeIndexOf(s, '\n', start)) {
    P.ArrayPrototypePush(out, P.StringPrototypeSlice(s, start, at));
    start = at + 1;
  }
  P.ArrayPrototypePush(out, P.StringPrototypeSlice(s, start));
  return out;
}

/** keyStrRe without a regular expression: a key printed without quotes. */
export function isPlainKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = P.StringPrototypeCharCodeAt(key, i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/**
 * `{ ...ctx, ...overrides }` without object spread: spread compiles to a
 * bytecode V8's side-effect checks refuse outright, and previews
 * (`sessions/preview`) describe values under those checks.
 */
export function withOptions<T extends object>(ctx: T, overrides: Partial<T>): T {
  const out = {} as T;
  for (const key of P.ObjectKeys(ctx)) (out as any)[key] = (ctx as any)[key];
  for (const key of P.ObjectKeys(overrides)) (out as any)[key] = (overrides as any)[key];
  return out;
}

export function escapeControl(s: string): string {
  return P.StringPrototypeReplace(s, escapeAnyReG, escapeFn);
}

/** A string literal the way Node prints it: single quotes unless double or back quotes need fewer escapes. */
export function strEscape(str: string): string {
  let replacer = escapeAnyReG;
  let quote = 39;
  if (P.StringPrototypeIncludes(str, "'")) {
    if (!P.StringPrototypeIncludes(str, '"')) quote = -1;
    else if (!P.StringPrototypeIncludes(str, '`') && !P.StringPrototypeIncludes(str, '${')) quote = -2;
    if (quote !== 39) replacer = escapeNoQuoteReG;
  }
  let body = str;
  if (str.length < 5000 && !needsEscape(str, quote === 39)) {
    body = str;
  } else if (str.length > 100) {
    body = P.StringPrototypeReplace(str, replacer, escapeFn);
  } else {
    body = '';
    let last = 0;
    for (let i = 0; i < str.length; i++) {
      const point = P.StringPrototypeCharCodeAt(str, i);
      if (point === quote || point === 92 || point < 32 || (point > 126 && point < 160)) {
        body += P.StringPrototypeSlice(str, last, i) + meta[point];
        last = i + 1;
      } else if (point >= 0xd800 && point <= 0xdfff) {
        // A lone surrogate is shown as its code; a pair is left alone.
        if (point <= 0xdbff && i + 1 < str.length) {
          const next = P.StringPrototypeCharCodeAt(str, i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            i++;
            continue;
          }
        }
        body += `${P.StringPrototypeSlice(str, last, i)}\\u${P.NumberPrototypeToString(point, 16)}`;
        last = i + 1;
      }
    }
    body += P.StringPrototypeSlice(str, last);
  }
  if (quote === -1) return `"${body}"`;
  if (quote === -2) return `\`${body}\``;
  return `'${body}'`;
}

export function formatNumber(n: number): string {
  return P.ObjectIs(n, -0) ? '-0' : `${n}`;
}

export function formatBigInt(n: bigint): string {
  return `${n}n`;
}

export function formatPrimitive(value: unknown, ctx: InspectContext): string {
  switch (typeof value) {
    case 'string': {
      let str = value;
      let trailer = '';
      if (str.length > ctx.maxStringLength) {
        const remaining = str.length - ctx.maxStringLength;
        str = P.StringPrototypeSlice(str, 0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      if (ctx.compact !== true && str.length > kMinLineWidth && str.length > ctx.breakLength - ctx.indentationLvl - 4) {
        // A long string is cut after each line break, one literal per line.
        const lines = P.StringPrototypeSplit(str, /(?<=\n)/);
        return P.ArrayPrototypeJoin(P.ArrayPrototypeMap(lines, strEscape), ` +\n${P.StringPrototypeRepeat(' ', ctx.indentationLvl + 2)}`) + trailer;
      }
      return strEscape(str) + trailer;
    }
    case 'number': return formatNumber(value);
    case 'bigint': return formatBigInt(value);
    case 'boolean': return `${value}`;
    case 'undefined': return 'undefined';
    case 'symbol': return P.SymbolPrototypeToString(value);
    default: return P.StringCtor(value);
  }
}

function isInstanceof(obj: unknown, ctor: Function): boolean {
  try {
    return obj instanceof ctor;
  } catch {
    return false;
  }
}

/** The name of the nearest constructor on the prototype chain; null for a null-prototype object. */
export function getConstructorName(obj: object, ctx: InspectContext, recurseTimes: number, inspect: (v: unknown, o: object) => string): string | null {
  let firstProto: object | null | undefined;
  const tmp = obj;
  let cur: object | null = obj;
  let guard = 0;
  while (cur && guard++ < 1000) {
    const desc = P.ObjectGetOwnPropertyDescriptor(cur, 'constructor');
    if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '' && isInstanceof(tmp, desc.value)) {
      return P.StringCtor(desc.value.name);
    }
    cur = P.ObjectGetPrototypeOf(cur);
    if (firstProto === undefined) firstProto = cur;
  }
  if (firstProto === null) return null;
  const res = typeof tmp === 'function' ? 'Function' : 'Object';
  if (recurseTimes > ctx.depth || firstProto === undefined) return `${res} <Complex prototype>`;
  const protoName = getConstructorName(firstProto, ctx, recurseTimes + 1, inspect);
  if (protoName === null) {
    return `${res} <${inspect(firstProto, withOptions(ctx, { customInspect: false, depth: -1 }))}>`;
  }
  return `${res} <${protoName}>`;
}

export function getPrefix(constructor: string | null, tag: string, fallback: string, size = ''): string {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

export function getCtxName(constructor: string | null, tag: string): string {
  // V8 would name a null-prototype object's class here; for plain objects that is `Object`.
  return getPrefix(constructor, tag, constructor === null ? 'Object' : '');
}

export function getFunctionBase(value: Function, constructor: string | null, tag: string): string {
  if (T.isClass(value)) return getClassBase(value, constructor, tag);
  let type = 'Function';
  if (T.isGeneratorFunction(value)) type = `Generator${type}`;
  if (T.isAsyncFunction(value)) type = `Async${type}`;
  let base = `[${type}`;
  if (constructor === null) base += ' (null prototype)';
  const name = value.name;
  if (name === '' || typeof name !== 'string') base += ' (anonymous)';
  else base += `: ${name}`;
  base += ']';
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function getClassBase(value: Function, constructor: string | null, tag: string): string {
  const hasName = P.ObjectPrototypeHasOwnProperty(value, 'name');
  const name = (hasName && value.name) || '(anonymous)';
  let base = `class ${name}`;
  if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  if (constructor !== null) {
    const superName = (P.ObjectGetPrototypeOf(value) as Function | null)?.name;
    if (superName) base += ` extends ${superName}`;
  } else {
    base += ' extends [null prototype]';
  }
  return `[${base}]`;
}

export function getBoxedBase(value: object, ctx: InspectContext, keys: PropertyKey[], constructor: string | null, tag: string): string {
  let type: string;
  let prim: unknown;
  if (T.isNumberObject(value)) {
    type = 'Number'; prim = P.NumberPrototypeValueOf(value);
  } else if (T.isStringObject(value)) {
    type = 'String'; prim = P.StringPrototypeValueOf(value);
    // The indices of a String object only repeat its value.
    P.ArrayPrototypeSplice(keys as unknown[], 0, (prim as string).length);
  } else if (T.isBooleanObject(value)) {
    type = 'Boolean'; prim = P.BooleanPrototypeValueOf(value);
  } else if (T.isBigIntObject(value)) {
    type = 'BigInt'; prim = P.BigIntPrototypeValueOf(value);
  } else {
    type = 'Symbol'; prim = P.SymbolPrototypeValueOf(value);
  }
  let base = `[${type}`;
  if (type !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
  base += `: ${formatPrimitive(prim, withOptions(ctx, { compact: 3, indentationLvl: 0, breakLength: Infinity }))}]`;
  if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
  return base;
}

// ---------------------------------------------------------------- errors

function stackOf(err: any): string {
  let stack: unknown;
  try {
    stack = err.stack;
  } catch {
    stack = undefined;
  }
  if (stack) return P.StringCtor(stack);
  try {
    return P.ErrorPrototypeToString(err);
  } catch {
    return '[object Error]';
  }
}

function improveStack(stack: string, constructor: string | null, name: string, tag: string): string {
  let len = name.length;
  if (constructor === null || (P.StringPrototypeEndsWith(name, 'Error') && P.StringPrototypeStartsWith(stack, name)
      && (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
    let fallback = 'Error';
    if (constructor === null) {
      const start = P.RegExpPrototypeExec(/^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n\s+at)/, stack)
        || P.RegExpPrototypeExec(/^([a-z_A-Z0-9-]*Error)$/, stack);
      fallback = (start && start[1]) || '';
      len = fallback.length;
      fallback = fallback || 'Error';
    }
    const prefix = P.StringPrototypeSlice(getPrefix(constructor, tag, fallback), 0, -1);
    if (name !== prefix) {
      if (P.StringPrototypeIncludes(prefix, name)) {
        stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${P.StringPrototypeSlice(stack, len)}`;
      } else {
        stack = `${prefix} [${name}]${P.StringPrototypeSlice(stack, len)}`;
      }
    }
  }
  return stack;
}

/** Frames shared with the cause's stack collapse into `... N lines matching cause stack trace ...`. */
function stackFrames(err: any, frames: string[]): string[] {
  let cause: unknown;
  try {
    cause = err.cause;
  } catch {
    cause = undefined;
  }
  if (cause == null || !T.isError(cause)) return frames;
  const causeStack = stackOf(cause);
  const at = P.StringPrototypeIndexOf(causeStack, '\n    at');
  if (at === -1) return frames;
  const causeFrames = splitLines(P.StringPrototypeSlice(causeStack, at + 1));
  for (let i = 0; i < frames.length - 3; i++) {
    const pos = P.ArrayPrototypeIndexOf(causeFrames, frames[i]);
    if (pos === -1) continue;
    const rest = causeFrames.length - pos;
    if (rest <= 3) continue;
    let len = 1;
    const maxLen = P.MathMin(frames.length - i, rest);
    while (maxLen > len && frames[i + len] === causeFrames[pos + len]) len++;
    if (len > 3) {
      const skipped = len - 2;
      P.ArrayPrototypeSplice(frames, i + 1, skipped, `    ... ${skipped} lines matching cause stack trace ...`);
      return frames;
    }
  }
  return frames;
}

export function formatError(err: any, constructor: string | null, tag: string, ctx: InspectContext, keys: PropertyKey[]): string {
  let name: string;
  let message: unknown;
  try {
    name = err.name != null ? P.StringCtor(err.name) : 'Error';
    message = err.message;
  } catch {
    name = 'Error';
  }
  let stack = stackOf(err);
  // name, message and stack shown as own properties only when the stack does not show them already.
  if (!ctx.showHidden && keys.length !== 0) {
    for (const key of ['name', 'message', 'stack']) {
      const index = P.ArrayPrototypeIndexOf(keys, key);
      if (index !== -1 && P.StringPrototypeIncludes(stack, P.StringCtor(err[key]))) P.ArrayPrototypeSplice(keys, index, 1);
    }
  }
  if ('cause' in err && (keys.length === 0 || !P.ArrayPrototypeIncludes(keys, 'cause'))) P.ArrayPrototypePush(keys, 'cause');
  if (P.ArrayIsArray(err.errors) && (keys.length === 0 || !P.ArrayPrototypeIncludes(keys, 'errors'))) P.ArrayPrototypePush(keys, 'errors');
  stack = improveStack(stack, constructor, name, tag);
  let pos = (typeof message === 'string' && message !== '' && P.StringPrototypeIndexOf(stack, message)) || -1;
  if (pos !== -1) pos += (message as string).length;
  const stackStart = P.StringPrototypeIndexOf(stack, '\n    at', pos);
  if (stackStart === -1) {
    stack = `[${stack}]`;
  } else {
    const frames = stackFrames(err, splitLines(P.StringPrototypeSlice(stack, stackStart + 1)));
    stack = `${P.StringPrototypeSlice(stack, 0, stackStart)}\n${P.ArrayPrototypeJoin(frames, '\n')}`;
  }
  if (ctx.indentationLvl !== 0) {
    stack = P.StringPrototypeReplace(stack, /\n/g, `\n${P.StringPrototypeRepeat(' ', ctx.indentationLvl)}`);
  }
  return stack;
}
