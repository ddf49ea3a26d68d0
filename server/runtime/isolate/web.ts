/**
 * Small web globals Node also has: TextEncoder/TextDecoder (UTF-8),
 * atob/btoa, structuredClone and DOMException. Written here rather than
 * bundled: the npm implementations are large (whatwg-encoding pulls in
 * iconv tables) and only UTF-8 is needed.
 */
import * as P from './primordials';
import * as T from './types';

export class DOMException extends Error {
  readonly code: number;
  constructor(message = '', name = 'Error') {
    super(message);
    P.ObjectDefineProperty(this, 'name', { value: name, configurable: true, writable: true });
    this.code = name === 'InvalidCharacterError' ? 5 : name === 'DataCloneError' ? 25 : 0;
  }
}

// ---------------------------------------------------------------- UTF-8

export class TextEncoder {
  get encoding(): string { return 'utf-8'; }

  encode(input: unknown = ''): Uint8Array {
    const s = P.StringCtor(input);
    const out = new P.Uint8ArrayCtor(s.length * 3);
    return out.subarray(0, encodeInto(s, out).written);
  }

  encodeInto(input: unknown, dest: Uint8Array): { read: number; written: number } {
    return encodeInto(P.StringCtor(input), dest);
  }
}

function encodeInto(s: string, out: Uint8Array): { read: number; written: number } {
  let w = 0;
  let r = 0;
  for (; r < s.length; r++) {
    let c = P.StringPrototypeCharCodeAt(s, r);
    let units = 1;
    if (c >= 0xd800 && c <= 0xdbff && r + 1 < s.length) {
      const d = P.StringPrototypeCharCodeAt(s, r + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        units = 2;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    const need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (w + need > out.length) break;
    if (need === 1) out[w++] = c;
    else if (need === 2) { out[w++] = 0xc0 | (c >> 6); out[w++] = 0x80 | (c & 63); }
    else if (need === 3) { out[w++] = 0xe0 | (c >> 12); out[w++] = 0x80 | ((c >> 6) & 63); out[w++] = 0x80 | (c & 63); }
    else { out[w++] = 0xf0 | (c >> 18); out[w++] = 0x80 | ((c >> 12) & 63); out[w++] = 0x80 | ((c >> 6) & 63); out[w++] = 0x80 | (c & 63); }
    r += units - 1;
  }
  return { read: r, written: w };
}

function toBytes(input: unknown): Uint8Array {
  if (input === undefined) return new P.Uint8ArrayCtor(0);
  if (T.isArrayBuffer(input)) return new P.Uint8ArrayCtor(input as ArrayBuffer);
  if (P.ArrayBufferIsView(input)) {
    const v = input as ArrayBufferView;
    return new P.Uint8ArrayCtor(v.buffer, v.byteOffset, v.byteLength);
  }
  throw new P.TypeErrorCtor('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView');
}

export class TextDecoder {
  readonly #fatal: boolean;
  readonly #ignoreBOM: boolean;
  #pending: number[] = [];
  #bomSeen = false;

  constructor(label: unknown = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    const l = P.StringPrototypeToLowerCase(P.StringPrototypeTrim(P.StringCtor(label)));
    if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') {
      throw new P.RangeErrorCtor(`The "${P.StringCtor(label)}" encoding is not supported`);
    }
    this.#fatal = !!options?.fatal;
    this.#ignoreBOM = !!options?.ignoreBOM;
  }

  get encoding(): string { return 'utf-8'; }
  get fatal(): boolean { return this.#fatal; }
  get ignoreBOM(): boolean { return this.#ignoreBOM; }

  decode(input?: unknown, options: { stream?: boolean } = {}): string {
    const fresh = toBytes(input);
    const bytes = this.#pending.length ? [...this.#pending, ...fresh] : fresh;
    const stream = !!options?.stream;
    this.#pending = [];
    let out = '';
    const fail = () => {
      if (this.#fatal) throw new P.TypeErrorCtor('The encoded data was not valid for encoding utf-8');
      out += '\ufffd';
    };
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i];
      if (b < 0x80) { out += P.StringFromCharCode(b); i++; continue; }
      const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
      if (need < 0) { fail(); i++; continue; }
      let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
      let lower = 0x80;
      let upper = 0xbf;
      if (b === 0xe0) lower = 0xa0; else if (b === 0xed) upper = 0x9f; else if (b === 0xf0) lower = 0x90; else if (b === 0xf4) upper = 0x8f;
      let j = 1;
      for (; j <= need; j++) {
        if (i + j >= bytes.length) break;
        const c = bytes[i + j];
        if (c < lower || c > upper) break;
        lower = 0x80; upper = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (j <= need) {
        if (i + j >= bytes.length && stream) { // an incomplete sequence waits for more input
          for (let k = i; k < bytes.length; k++) P.ArrayPrototypePush(this.#pending, bytes[k]);
          break;
        }
        fail();
        i += j;
        continue;
      }
      out += cp > 0xffff ? P.StringFromCharCode(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)) : P.StringFromCharCode(cp);
      i += need + 1;
    }
    if (!this.#bomSeen && out.length > 0) {
      this.#bomSeen = true;
      if (!this.#ignoreBOM && P.StringPrototypeCharCodeAt(out, 0) === 0xfeff) out = P.StringPrototypeSlice(out, 1);
    }
    if (!stream) this.#bomSeen = false;
    return out;
  }
}

// ---------------------------------------------------------------- base64

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function btoa(input: unknown): string {
  if (arguments.length === 0) throw new P.TypeErrorCtor('The "data" argument must be specified');
  const s = P.StringCtor(input);
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const a = P.StringPrototypeCharCodeAt(s, i);
    const b = i + 1 < s.length ? P.StringPrototypeCharCodeAt(s, i + 1) : 0;
    const c = i + 2 < s.length ? P.StringPrototypeCharCodeAt(s, i + 2) : 0;
    if (a > 255 || b > 255 || c > 255) throw new DOMException('Invalid character', 'InvalidCharacterError');
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
  }
  return out;
}

export function atob(input: unknown): string {
  if (arguments.length === 0) throw new P.TypeErrorCtor('The "data" argument must be specified');
  let s = P.StringPrototypeReplace(P.StringCtor(input), /[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = P.StringPrototypeReplace(s, /={1,2}$/, '');
  if (s.length % 4 === 1 || P.RegExpPrototypeExec(/[^A-Za-z0-9+/]/, s) !== null) {
    throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  }
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    buffer = (buffer << 6) | P.StringPrototypeIndexOf(B64, s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += P.StringFromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// ---------------------------------------------------------------- structuredClone

function cloneError(what: string): DOMException {
  return new DOMException(`${what} could not be cloned.`, 'DataCloneError');
}

export function structuredClone(value: unknown): unknown {
  if (arguments.length === 0) throw new P.TypeErrorCtor('The "value" argument must be specified');
  const memory = new P.MapCtor<object, unknown>();
  const clone = (v: unknown): unknown => {
    if (typeof v === 'symbol') throw cloneError(P.SymbolPrototypeToString(v));
    if (typeof v === 'function') throw cloneError(P.FunctionPrototypeToString(v));
    if (typeof v !== 'object' || v === null) return v;
    if (P.MapPrototypeHas(memory, v)) return P.MapPrototypeGet(memory, v);
    const remember = <X>(x: X): X => { P.MapPrototypeSet(memory, v, x); return x; };
    if (T.isDate(v)) return remember(new Date(P.DatePrototypeGetTime(v)));
    if (T.isRegExp(v)) return remember(new RegExp((v as RegExp).source, (v as RegExp).flags));
    if (T.isBooleanObject(v)) return remember(P.ObjectCtor(P.BooleanPrototypeValueOf(v)));
    if (T.isNumberObject(v)) return remember(P.ObjectCtor(P.NumberPrototypeValueOf(v)));
    if (T.isStringObject(v)) return remember(P.ObjectCtor(P.StringPrototypeValueOf(v)));
    if (T.isBigIntObject(v)) return remember(P.ObjectCtor(P.BigIntPrototypeValueOf(v)));
    if (T.isArrayBuffer(v)) return remember((v as ArrayBuffer).slice(0));
    if (P.ArrayBufferIsView(v)) {
      const view = v as any;
      const Ctor = T.isDataView(v) ? DataView : (G as any)[T.typedArrayName(v)!];
      const buffer = clone(view.buffer) as ArrayBuffer;
      const length = T.isDataView(v) ? view.byteLength : view.length;
      return remember(new Ctor(buffer, view.byteOffset, length));
    }
    if (T.isMap(v)) {
      const out = remember(new P.MapCtor());
      const it = P.MapPrototypeEntries(v as Map<unknown, unknown>);
      for (let s = P.MapIteratorNext(it); !s.done; s = P.MapIteratorNext(it)) {
        const [k, x] = s.value as [unknown, unknown];
        P.MapPrototypeSet(out, clone(k), clone(x));
      }
      return out;
    }
    if (T.isSet(v)) {
      const out = remember(new P.SetCtor());
      const it = P.SetPrototypeValues(v as Set<unknown>);
      for (let s = P.SetIteratorNext(it); !s.done; s = P.SetIteratorNext(it)) P.SetPrototypeAdd(out, clone(s.value));
      return out;
    }
    if (T.isError(v)) {
      const e = v as Error;
      const names = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'];
      const name = P.ArrayPrototypeIncludes(names, e.name) ? e.name : 'Error';
      const out = remember(new (G as any)[name](e.message));
      P.ObjectDefineProperty(out, 'stack', { value: e.stack, writable: true, configurable: true });
      if ('cause' in e) P.ObjectDefineProperty(out, 'cause', { value: clone(e.cause), writable: true, configurable: true });
      return out;
    }
    if (T.isPromise(v) || T.isWeakMap(v) || T.isWeakSet(v) || T.isMapIterator(v) || T.isSetIterator(v)) {
      throw cloneError('#<' + (T.isPromise(v) ? 'Promise' : 'Object') + '>');
    }
    if (P.ArrayIsArray(v)) {
      const out = remember(new Array((v as unknown[]).length));
      for (const key of P.ObjectKeys(v)) (out as any)[key] = clone((v as any)[key]);
      return out;
    }
    const out: Record<string, unknown> = remember({});
    for (const key of P.ObjectKeys(v)) P.ObjectDefineProperty(out, key, { value: clone((v as any)[key]), enumerable: true, writable: true, configurable: true });
    return out;
  };
  return clone(value);
}

const G = P.G;
