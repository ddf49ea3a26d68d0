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
  // RegExp.prototype itself answers the `source` getter without throwing.
  if (v === RegExp.prototype) return false;
  try {
    P.RegExpPrototypeSourceGetter(v);
    return true;
  } catch {
    return false;
  }
}

/** The typed array's constructor name (`Uint8Array`...), or undefined. */
export function typedArrayName(v: unknown): string | undefined {
  return P.TypedArrayToStringTagGetter(v);
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
