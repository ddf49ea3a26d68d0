/**
 * The WHATWG URL parser and serializer behind url.ts (see there for what is
 * and is not covered): percent-encode sets, hosts (domain, IPv4, IPv6,
 * opaque), paths with dot segments, relative resolution.
 */
import * as P from './primordials';
import { TextDecoder, TextEncoder } from './web';

export const SPECIAL: Record<string, number | null> = { 'ftp:': 21, 'file:': null, 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };
export const isSpecial = (scheme: string) => P.ObjectPrototypeHasOwnProperty(SPECIAL, scheme);

// Percent-encode sets, as predicates over a code point.
export const c0 = (c: number) => c < 0x20 || c > 0x7e;
export const fragmentSet = (c: number) => c0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
export const querySet = (c: number) => c0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
export const specialQuerySet = (c: number) => querySet(c) || c === 0x27;
export const pathSet = (c: number) => querySet(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
export const userinfoSet = (c: number) => pathSet(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 || (c >= 0x5b && c <= 0x5e) || c === 0x7c;
export const formSet = (c: number) => !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f);

export const encoder = new TextEncoder();
export const hex = (b: number) => `%${P.StringPrototypeToUpperCase(P.StringPrototypePadStart(P.NumberPrototypeToString(b, 16), 2, '0'))}`;

export function encode(s: string, set: (c: number) => boolean, spaceAsPlus = false): string {
  let out = '';
  for (const ch of s) {
    const c = P.StringPrototypeCodePointAt(ch, 0)!;
    if (spaceAsPlus && c === 0x20) out += '+';
    else if (!set(c)) out += ch;
    else for (const b of encoder.encode(ch)) out += hex(b);
  }
  return out;
}

export function decodeBytes(s: string): Uint8Array {
  const bytes: number[] = [];
  const raw = encoder.encode(s);
  for (let i = 0; i < raw.length; i++) {
    const h = P.StringFromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
    if (raw[i] === 0x25 && P.RegExpPrototypeExec(/^[0-9a-fA-F]{2}$/, h) !== null) {
      P.ArrayPrototypePush(bytes, P.NumberParseInt(h, 16));
      i += 2;
    } else P.ArrayPrototypePush(bytes, raw[i]);
  }
  return new P.Uint8ArrayCtor(bytes);
}

export const utf8 = new TextDecoder();

export interface Record_ {
  scheme: string; username: string; password: string; host: string | null; port: number | null;
  path: string[] | string; query: string | null; fragment: string | null;
}

// ---------------------------------------------------------------- hosts

export function parseIPv4Number(part: string): number {
  if (part === '') return NaN;
  let radix = 10;
  if (P.RegExpPrototypeExec(/^0[xX]/, part) !== null) { part = P.StringPrototypeSlice(part, 2); radix = 16; }
  else if (part.length > 1 && part[0] === '0') { part = P.StringPrototypeSlice(part, 1); radix = 8; }
  if (part === '') return 0;
  const re = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  return P.RegExpPrototypeExec(re, part) === null ? NaN : P.NumberParseInt(part, radix);
}

export function parseIPv4(host: string): string | null {
  const parts = P.StringPrototypeSplit(host, '.');
  if (parts[parts.length - 1] === '' && parts.length > 1) P.ArrayPrototypePop(parts);
  if (parts.length > 4) return null;
  const nums = P.ArrayPrototypeMap(parts, parseIPv4Number);
  for (const n of nums) if (P.NumberIsNaN(n)) return null;
  for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return null;
  if (nums[nums.length - 1] >= 256 ** (5 - nums.length)) return null;
  let ipv4 = nums[nums.length - 1];
  for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * 256 ** (3 - i);
  const out: number[] = [];
  for (let i = 3; i >= 0; i--) P.ArrayPrototypePush(out, P.MathFloor(ipv4 / 256 ** i) % 256);
  return P.ArrayPrototypeJoin(out, '.');
}

export function parseIPv6(input: string): string | null {
  const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
  let compress = -1;
  let halves = P.StringPrototypeSplit(input, '::');
  if (halves.length > 2) return null;
  const side = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const groups = P.StringPrototypeSplit(s, ':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && P.StringPrototypeIncludes(g, '.')) {
        const v4 = parseIPv4(g);
        if (v4 === null || P.RegExpPrototypeExec(/^\d+\.\d+\.\d+\.\d+$/, g) === null) return null;
        const n = P.ArrayPrototypeMap(P.StringPrototypeSplit(v4, '.'), Number);
        P.ArrayPrototypePush(out, n[0] * 256 + n[1], n[2] * 256 + n[3]);
      } else {
        if (P.RegExpPrototypeExec(/^[0-9a-fA-F]{1,4}$/, g) === null) return null;
        P.ArrayPrototypePush(out, P.NumberParseInt(g, 16));
      }
    }
    return out;
  };
  const left = side(halves[0]);
  const right = halves.length === 2 ? side(halves[1]) : [];
  if (!left || !right) return null;
  if (halves.length === 1 && left.length !== 8) return null;
  if (halves.length === 2) {
    if (left.length + right.length > 7) return null;
    compress = left.length;
  }
  for (let i = 0; i < left.length; i++) pieces[i] = left[i];
  for (let i = 0; i < right.length; i++) pieces[8 - right.length + i] = right[i];
  halves = [];
  // Serialise: the longest run (2+) of zero pieces becomes "::".
  let best = -1; let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && pieces[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) { out += i === 0 ? '::' : ':'; i += bestLen - 1; continue; }
    out += P.NumberPrototypeToString(pieces[i], 16) + (i < 7 ? ':' : '');
  }
  void compress;
  return `[${out}]`;
}

export function parseHost(input: string, special: boolean): string | null {
  if (P.StringPrototypeStartsWith(input, '[')) {
    return P.StringPrototypeEndsWith(input, ']') ? parseIPv6(P.StringPrototypeSlice(input, 1, -1)) : null;
  }
  if (!special) {
    if (P.RegExpPrototypeExec(/[\x00\t\n\r #/:<>?@[\\\]^|]/, input) !== null) return null;
    return encode(input, c0);
  }
  const domain = P.StringPrototypeToLowerCase(utf8.decode(decodeBytes(input)));
  if (domain === '' || P.RegExpPrototypeExec(/[\x00-\x20#%/:<>?@[\\\]^|\x7f]/, domain) !== null) return null;
  const last = P.StringPrototypeSplit(domain, '.');
  const lastPart = last[last.length - 1] === '' && last.length > 1 ? last[last.length - 2] : last[last.length - 1];
  if (P.RegExpPrototypeExec(/^(0[xX][0-9a-fA-F]*|\d+)$/, lastPart) !== null) return parseIPv4(domain);
  return domain;
}

// ---------------------------------------------------------------- parser

export function parsePath(input: string, special: boolean, into: string[]): string[] {
  const segments = P.StringPrototypeSplit(input, special ? /[/\\]/ : '/');
  const out = into;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const lower = P.StringPrototypeToLowerCase(seg);
    const isLast = i === segments.length - 1;
    if (lower === '..' || lower === '.%2e' || lower === '%2e.' || lower === '%2e%2e') {
      if (out.length) P.ArrayPrototypePop(out);
      if (isLast) P.ArrayPrototypePush(out, '');
    } else if (lower === '.' || lower === '%2e') {
      if (isLast) P.ArrayPrototypePush(out, '');
    } else {
      P.ArrayPrototypePush(out, encode(seg, pathSet));
    }
  }
  return out;
}

export function splitTail(s: string): { head: string; query: string | null; fragment: string | null } {
  let fragment: string | null = null;
  let query: string | null = null;
  const hash = P.StringPrototypeIndexOf(s, '#');
  if (hash !== -1) { fragment = P.StringPrototypeSlice(s, hash + 1); s = P.StringPrototypeSlice(s, 0, hash); }
  const q = P.StringPrototypeIndexOf(s, '?');
  if (q !== -1) { query = P.StringPrototypeSlice(s, q + 1); s = P.StringPrototypeSlice(s, 0, q); }
  return { head: s, query, fragment };
}

export function parseAuthority(rec: Record_, rest: string, special: boolean): string | null {
  const m = P.RegExpPrototypeExec(special ? /^[^/\\?#]*/ : /^[^/?#]*/, rest)!;
  let auth = m[0];
  const at = P.StringPrototypeLastIndexOf(auth, '@');
  if (at !== -1) {
    const info = P.StringPrototypeSlice(auth, 0, at);
    const colon = P.StringPrototypeIndexOf(info, ':');
    rec.username = encode(colon === -1 ? info : P.StringPrototypeSlice(info, 0, colon), userinfoSet);
    rec.password = colon === -1 ? '' : encode(P.StringPrototypeSlice(info, colon + 1), userinfoSet);
    auth = P.StringPrototypeSlice(auth, at + 1);
  }
  const portMatch = P.RegExpPrototypeExec(/:([^\]]*)$/, auth);
  let hostText = auth;
  if (portMatch) {
    hostText = P.StringPrototypeSlice(auth, 0, portMatch.index);
    const port = portMatch[1];
    if (port !== '') {
      if (P.RegExpPrototypeExec(/^\d+$/, port) === null) return null;
      const n = P.NumberParseInt(port, 10);
      if (n > 65535) return null;
      rec.port = n === SPECIAL[rec.scheme] ? null : n;
    }
  }
  if (hostText === '' && special && rec.scheme !== 'file:') return null;
  if (hostText === '' && (rec.username || rec.password || rec.port !== null)) return null;
  const host = hostText === '' ? '' : parseHost(hostText, special);
  if (host === null) return null;
  rec.host = rec.scheme === 'file:' && host === 'localhost' ? '' : host;
  return P.StringPrototypeSlice(rest, auth.length + (at === -1 ? 0 : at + 1));
}

export function parse(raw: string, base?: Record_): Record_ | null {
  let input = P.StringPrototypeReplace(P.StringPrototypeReplace(raw, /^[\x00-\x20]+|[\x00-\x20]+$/g, ''), /[\t\n\r]/g, '');
  const rec: Record_ = { scheme: '', username: '', password: '', host: null, port: null, path: [], query: null, fragment: null };
  const schemeMatch = P.RegExpPrototypeExec(/^([a-zA-Z][a-zA-Z0-9+.-]*):/, input);
  if (schemeMatch) {
    rec.scheme = `${P.StringPrototypeToLowerCase(schemeMatch[1])}:`;
    input = P.StringPrototypeSlice(input, schemeMatch[0].length);
    const special = isSpecial(rec.scheme);
    if (special && base && base.scheme === rec.scheme && P.RegExpPrototypeExec(/^[/\\]{2}/, input) === null) {
      return relative(input, base);
    }
    if (rec.scheme === 'file:') {
      // file: has an (often empty) host only after exactly two slashes.
      if (P.RegExpPrototypeExec(/^[/\\]{2}/, input) === null) {
        rec.host = '';
        return finish(rec, P.StringPrototypeStartsWith(input, '/') || P.StringPrototypeStartsWith(input, '\\') ? input : `/${input}`, true);
      }
      input = P.StringPrototypeSlice(input, 2);
    } else if (special) input = P.StringPrototypeReplace(input, /^[/\\]*/, '');
    else if (P.StringPrototypeStartsWith(input, '//')) input = P.StringPrototypeSlice(input, 2);
    else {
      const { head, query, fragment } = splitTail(input);
      rec.query = query === null ? null : encode(query, querySet);
      rec.fragment = fragment === null ? null : encode(fragment, fragmentSet);
      if (P.StringPrototypeStartsWith(head, '/')) rec.path = parsePath(P.StringPrototypeSlice(head, 1), false, []);
      else rec.path = encode(head, c0);
      return rec;
    }
    const rest = parseAuthority(rec, input, special);
    if (rest === null) return null;
    return finish(rec, rest, special);
  }
  if (!base) return null;
  if (typeof base.path === 'string') {
    if (!P.StringPrototypeStartsWith(input, '#')) return null;
    return { ...base, fragment: encode(P.StringPrototypeSlice(input, 1), fragmentSet) };
  }
  return relative(input, base);
}

export function finish(rec: Record_, rest: string, special: boolean): Record_ {
  const { head, query, fragment } = splitTail(rest);
  rec.path = parsePath(head === '' ? '' : P.StringPrototypeSlice(head, 1), special, []);
  if (head === '' && !special) rec.path = [];
  rec.query = query === null ? null : encode(query, special ? specialQuerySet : querySet);
  rec.fragment = fragment === null ? null : encode(fragment, fragmentSet);
  return rec;
}

export function relative(input: string, base: Record_): Record_ | null {
  const special = isSpecial(base.scheme);
  const rec: Record_ = { ...base, path: P.ArrayPrototypeSlice(base.path as string[]), fragment: null };
  const slash = special ? /^[/\\]/ : /^\//;
  if (P.RegExpPrototypeExec(special ? /^[/\\]{2}/ : /^\/\//, input) !== null) {
    const r: Record_ = { scheme: base.scheme, username: '', password: '', host: null, port: null, path: [], query: null, fragment: null };
    const rest = parseAuthority(r, P.StringPrototypeSlice(input, 2), special);
    return rest === null ? null : finish(r, rest, special);
  }
  if (P.RegExpPrototypeExec(slash, input) !== null) return finish(rec, input, special);
  const { head, query, fragment } = splitTail(input);
  rec.fragment = fragment === null ? null : encode(fragment, fragmentSet);
  if (head === '') {
    if (query !== null) rec.query = encode(query, special ? specialQuerySet : querySet);
    return rec;
  }
  rec.query = query === null ? null : encode(query, special ? specialQuerySet : querySet);
  const path = rec.path as string[];
  if (path.length) P.ArrayPrototypePop(path);
  rec.path = parsePath(head, special, path);
  return rec;
}

export function serializePath(rec: Record_): string {
  if (typeof rec.path === 'string') return rec.path;
  const prefix = rec.host === null && rec.path.length > 1 && rec.path[0] === '' ? '/.' : '';
  return prefix + (rec.path.length || isSpecial(rec.scheme) ? `/${P.ArrayPrototypeJoin(rec.path, '/')}` : '');
}

export function serialize(rec: Record_, noFragment = false): string {
  let out = rec.scheme;
  if (rec.host !== null) {
    out += '//';
    if (rec.username || rec.password) out += rec.username + (rec.password ? `:${rec.password}` : '') + '@';
    out += rec.host + (rec.port !== null ? `:${rec.port}` : '');
  }
  out += serializePath(rec);
  if (rec.query !== null) out += `?${rec.query}`;
  if (!noFragment && rec.fragment !== null) out += `#${rec.fragment}`;
  return out;
}

