/**
 * Brand checks for values inside the isolate, the stand-in for Node's
 * `util.types` (which does not exist here). Each check calls a captured
 * built-in that throws unless the value carries the right internal slot, so
 * a fake prototype chain does not fool it. Proxies cannot be detected from
 * JavaScript: they are inspected through their traps.
 */
import * as P from './primordials';

function brand(check: (v: unknown) => unknown): (v: unknown) => boolean {
  return (v) => {
    try {
      check(v);
      return true;
    } catch {
      return false;
    }
  };
}

export const isDate = brand(P.DatePrototypeGetTime);
export const isMap = brand(P.MapPrototypeSizeGetter);
export const isSet = brand(P.SetPrototypeSizeGetter);
export const isWeakMap = brand((v) => P.WeakMapPrototypeHas(v, P.ObjectPrototype));
export const isWeakSet = brand((v) => P.WeakSetPrototypeHas(v, P.ObjectPrototype));
export const isArrayBuffer = brand(P.ArrayBufferByteLengthGetter);
export const isDataView = brand(P.DataViewByteLengthGetter);
export const isNumberObject = brand(P.NumberPrototypeValueOf);
export const isStringObject = brand(P.StringPrototypeValueOf);
export const isBooleanObject = brand(P.BooleanPrototypeValueOf);
export const isBigIntObject = brand(P.BigIntPrototypeValueOf);
export const isSymbolObject = brand(P.SymbolPrototypeValueOf);
export const isMapIterator = (v: unknown) => typeof v === 'object' && v !== null && P.ObjectGetPrototypeOf(v) === P.MapIteratorPrototype;
export const isSetIterator = (v: unknown) => typeof v === 'object' && v !== null && P.ObjectGetPrototypeOf(v) === P.SetIteratorPrototype;

export function isRegExp(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (v === RegExp.prototype) return false;
  // No brand-checking getter here: V8's side-effect checks (under which previews describe
  // values) refuse RegExp getters on objects that existed before. The builtin tag plus the
  // own, non-configurable `lastIndex` every RegExp has is as close as plain reads get.
  if (P.ObjectPrototypeToString(v) !== '[object RegExp]') return false;
  const lastIndex = P.ObjectGetOwnPropertyDescriptor(v, 'lastIndex');
  return lastIndex !== undefined && 'value' in lastIndex && lastIndex.configurable === false && lastIndex.enumerable === false;
}

/** The typed array's constructor name (`Uint8Array`...), or undefined. */
export function typedArrayName(v: unknown): string | undefined {
  // Not the Symbol.toStringTag getter: V8's side-effect checks refuse it, and previews
  // describe values under them. isView is the brand check; the class is found by prototype.
  if (typeof v !== 'object' || v === null || !P.ArrayBufferIsView(v)) return undefined;
  let proto = P.ObjectGetPrototypeOf(v);
  for (let depth = 0; proto !== null && depth < 100; depth++) {
    for (let i = 0; i < P.TypedArrayPrototypes.length; i++) {
      if (P.TypedArrayPrototypes[i][0] === proto) return P.TypedArrayPrototypes[i][1];
    }
    proto = P.ObjectGetPrototypeOf(proto);
  }
  return undefined;
}

export function isBoxedPrimitive(v: unknown): boolean {
  return isNumberObject(v) || isStringObject(v) || isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v);
}

export function isNativeError(v: unknown): boolean {
  return typeof v === 'object' && v !== null && P.ObjectPrototypeToString(v) === '[object Error]';
}

export function isError(v: unknown): boolean {
  if (isNativeError(v)) return true;
  try {
    return v instanceof P.ErrorCtor;
  } catch {
    return false;
  }
}

export function isPromise(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  try {
    return v instanceof P.PromiseCtor;
  } catch {
    return false;
  }
}

export function isArgumentsObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && P.ObjectPrototypeToString(v) === '[object Arguments]';
}

export function isAsyncFunction(fn: unknown): boolean {
  const proto = P.ObjectGetPrototypeOf(fn);
  return proto === P.AsyncFunctionPrototype || proto === P.AsyncGeneratorFunctionPrototype;
}

export function isGeneratorFunction(fn: unknown): boolean {
  const proto = P.ObjectGetPrototypeOf(fn);
  return proto === P.GeneratorFunctionPrototype || proto === P.AsyncGeneratorFunctionPrototype;
}

/** `class X {}` (as opposed to a function), judged from its source text like Node does. */
export function isClass(fn: unknown): boolean {
  let text: string;
  try {
    text = P.FunctionPrototypeToString(fn);
  } catch {
    return false;
  }
  return P.StringPrototypeStartsWith(text, 'class') && P.StringPrototypeEndsWith(text, '}')
    && P.RegExpPrototypeExec(/^class\b/, text) !== null;
}
