/**
 * Built-ins captured when the bootstrap runs, before any session code.
 *
 * Session code may replace `Array.prototype.push`, `Object.keys`, `JSON`...
 * The bootstrap's own helpers (inspect, console, timers) call these captured
 * copies so that such tampering cannot break or hijack them. `uncurry(f)`
 * turns a method into a function taking `this` first; it binds the original
 * `Function.prototype.call`, so replacing `call` later changes nothing.
 */
const bindCall = Function.prototype.bind.bind(Function.prototype.call) as
  <T extends (...args: any[]) => any>(fn: T) => (self: unknown, ...args: Parameters<T>) => ReturnType<T>;

export function uncurry<T extends (...args: any[]) => any>(fn: T): (self: unknown, ...args: Parameters<T>) => ReturnType<T> {
  return bindCall(fn);
}

function getter(proto: object, name: PropertyKey): (self: unknown) => any {
  const desc = Object.getOwnPropertyDescriptor(proto, name);
  return uncurry(desc!.get!);
}

export const G = globalThis;
export const ObjectCtor = Object;
export const ObjectKeys = Object.keys;
export const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
export const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectFreeze = Object.freeze;
export const ObjectCreate = Object.create;
export const ObjectIs = Object.is;
export const ObjectPrototype = Object.prototype;
export const ObjectPrototypeHasOwnProperty = uncurry(Object.prototype.hasOwnProperty);
export const ObjectPrototypePropertyIsEnumerable = uncurry(Object.prototype.propertyIsEnumerable);
export const ObjectPrototypeToString = uncurry(Object.prototype.toString);
export const ArrayIsArray = Array.isArray;
export const ArrayFrom = Array.from;
export const ArrayPrototypePush = uncurry(Array.prototype.push) as (self: unknown[], ...items: unknown[]) => number;
export const ArrayPrototypeJoin = uncurry(Array.prototype.join) as (self: unknown[], sep?: string) => string;
export const ArrayPrototypeIndexOf = uncurry(Array.prototype.indexOf) as (self: unknown[], item: unknown) => number;
export const ArrayPrototypeIncludes = uncurry(Array.prototype.includes) as (self: unknown[], item: unknown) => boolean;
export const ArrayPrototypeSplice = uncurry(Array.prototype.splice) as (self: unknown[], start: number, count: number, ...items: unknown[]) => unknown[];
export const ArrayPrototypeSlice = uncurry(Array.prototype.slice) as <T>(self: T[], start?: number, end?: number) => T[];
export const ArrayPrototypeSort = uncurry(Array.prototype.sort) as <T>(self: T[], cmp?: (a: T, b: T) => number) => T[];
export const ArrayPrototypeMap = uncurry(Array.prototype.map) as <T, U>(self: T[], fn: (v: T, i: number) => U) => U[];
export const ArrayPrototypeFilter = uncurry(Array.prototype.filter) as <T>(self: T[], fn: (v: T, i: number) => boolean) => T[];
export const ArrayPrototypePop = uncurry(Array.prototype.pop) as <T>(self: T[]) => T | undefined;
export const ArrayPrototypeUnshift = uncurry(Array.prototype.unshift) as (self: unknown[], ...items: unknown[]) => number;
export const StringCtor = String;
export const StringFromCharCode = String.fromCharCode;
export const StringPrototypeSlice = uncurry(String.prototype.slice);
export const StringPrototypeIndexOf = uncurry(String.prototype.indexOf);
export const StringPrototypeLastIndexOf = uncurry(String.prototype.lastIndexOf);
export const StringPrototypeIncludes = uncurry(String.prototype.includes);
export const StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
export const StringPrototypeEndsWith = uncurry(String.prototype.endsWith);
export const StringPrototypeRepeat = uncurry(String.prototype.repeat);
export const StringPrototypePadStart = uncurry(String.prototype.padStart);
export const StringPrototypePadEnd = uncurry(String.prototype.padEnd);
export const StringPrototypeSplit = uncurry(String.prototype.split) as (self: string, sep: string | RegExp, limit?: number) => string[];
export const StringPrototypeReplace = uncurry(String.prototype.replace) as (self: string, re: string | RegExp, rep: any) => string;
export const StringPrototypeCharCodeAt = uncurry(String.prototype.charCodeAt);
export const StringPrototypeCodePointAt = uncurry(String.prototype.codePointAt);
export const StringPrototypeToLowerCase = uncurry(String.prototype.toLowerCase);
export const StringPrototypeToUpperCase = uncurry(String.prototype.toUpperCase);
export const StringPrototypeTrim = uncurry(String.prototype.trim);
export const StringPrototypeValueOf = uncurry(String.prototype.valueOf);
export const RegExpPrototypeExec = uncurry(RegExp.prototype.exec) as (self: RegExp, s: string) => RegExpExecArray | null;
export const RegExpPrototypeToString = uncurry(RegExp.prototype.toString);
export const RegExpPrototypeSourceGetter = getter(RegExp.prototype, 'source');
export const RegExpPrototypeGlobalGetter = getter(RegExp.prototype, 'global');
export const NumberPrototypeValueOf = uncurry(Number.prototype.valueOf);
export const NumberPrototypeToString = uncurry(Number.prototype.toString);
export const BooleanPrototypeValueOf = uncurry(Boolean.prototype.valueOf);
export const BigIntPrototypeValueOf = uncurry(BigInt.prototype.valueOf);
export const SymbolPrototypeValueOf = uncurry(Symbol.prototype.valueOf);
export const SymbolPrototypeToString = uncurry(Symbol.prototype.toString);
export const SymbolFor = Symbol.for;
export const SymbolIterator = Symbol.iterator;
export const SymbolToStringTag = Symbol.toStringTag;
export const DatePrototypeGetTime = uncurry(Date.prototype.getTime);
export const DatePrototypeToISOString = uncurry(Date.prototype.toISOString);
export const DatePrototypeToString = uncurry(Date.prototype.toString);
export const DateNow = Date.now;
export const ErrorCtor = Error;
export const TypeErrorCtor = TypeError;
export const RangeErrorCtor = RangeError;
export const ErrorPrototypeToString = uncurry(Error.prototype.toString);
export const FunctionPrototypeToString = uncurry(Function.prototype.toString);
export const ReflectApply = Reflect.apply;
export const ReflectOwnKeys = Reflect.ownKeys;
export const MapCtor = Map;
export const SetCtor = Set;
export const WeakMapCtor = WeakMap;
export const MapPrototypeGet = uncurry(Map.prototype.get);
export const MapPrototypeSet = uncurry(Map.prototype.set);
export const MapPrototypeHas = uncurry(Map.prototype.has);
export const MapPrototypeDelete = uncurry(Map.prototype.delete);
export const MapPrototypeClear = uncurry(Map.prototype.clear);
export const MapPrototypeEntries = uncurry(Map.prototype.entries);
export const MapPrototypeSizeGetter = getter(Map.prototype, 'size');
export const SetPrototypeAdd = uncurry(Set.prototype.add);
export const SetPrototypeHas = uncurry(Set.prototype.has);
export const SetPrototypeValues = uncurry(Set.prototype.values);
export const SetPrototypeSizeGetter = getter(Set.prototype, 'size');
export const WeakMapPrototypeHas = uncurry(WeakMap.prototype.has);
export const WeakMapPrototypeGet = uncurry(WeakMap.prototype.get);
export const WeakMapPrototypeSet = uncurry(WeakMap.prototype.set);
export const WeakSetPrototypeHas = uncurry(WeakSet.prototype.has);
export const IteratorPrototypeNext = (it: Iterator<unknown>) => it.next();
export const MapIteratorPrototype = ObjectGetPrototypeOf(new Map().entries());
export const SetIteratorPrototype = ObjectGetPrototypeOf(new Set().values());
export const MapIteratorNext = uncurry(MapIteratorPrototype.next) as (it: unknown) => IteratorResult<unknown>;
export const SetIteratorNext = uncurry(SetIteratorPrototype.next) as (it: unknown) => IteratorResult<unknown>;
export const PromiseCtor = Promise;
export const PromiseResolve = Promise.resolve.bind(Promise);
export const PromisePrototypeThen = uncurry(Promise.prototype.then) as
  (p: unknown, ok?: (v: unknown) => unknown, err?: (e: unknown) => unknown) => Promise<unknown>;
export const JSONStringify = JSON.stringify;
export const JSONParse = JSON.parse;
export const MathMin = Math.min;
export const MathMax = Math.max;
export const MathFloor = Math.floor;
export const MathRound = Math.round;
export const MathSqrt = Math.sqrt;
export const MathTrunc = Math.trunc;
export const NumberIsNaN = Number.isNaN;
export const NumberIsFinite = Number.isFinite;
export const NumberParseInt = Number.parseInt;
export const NumberParseFloat = Number.parseFloat;
export const NumberCtor = Number;
export const ArrayBufferCtor = ArrayBuffer;
export const ArrayBufferIsView = ArrayBuffer.isView;
export const ArrayBufferByteLengthGetter = getter(ArrayBuffer.prototype, 'byteLength');
export const DataViewByteLengthGetter = getter(DataView.prototype, 'byteLength');
export const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
export const TypedArrayToStringTagGetter = getter(TypedArrayPrototype, Symbol.toStringTag);
export const TypedArrayLengthGetter = getter(TypedArrayPrototype, 'length');
export const TypedArrayBufferGetter = getter(TypedArrayPrototype, 'buffer');
export const DataViewBufferGetter = getter(DataView.prototype, 'buffer');
/** Each typed array class's prototype and name (typedArrayName finds an instance's class along its prototype chain). */
export const TypedArrayPrototypes: Array<[object, string]> = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
].map((C) => [C.prototype, C.name]);
export const Uint8ArrayCtor = Uint8Array;
export const FunctionCtor = Function;
export const AsyncFunctionPrototype = ObjectGetPrototypeOf(async function () { /* marker */ });
export const GeneratorFunctionPrototype = ObjectGetPrototypeOf(function* () { /* marker */ });
export const AsyncGeneratorFunctionPrototype = ObjectGetPrototypeOf(async function* () { /* marker */ });
export const ErrorCaptureStackTrace = (Error as any).captureStackTrace as ((o: object, f?: Function) => void) | undefined;
