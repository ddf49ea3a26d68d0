/**
 * `URL` and `URLSearchParams`, a compact implementation of the WHATWG URL
 * standard (written here: `whatwg-url` with its tr46/punycode tables is about
 * 300 KB, too much to parse into every isolate). Covered: special and
 * non-special schemes, relative resolution, userinfo, IPv4/IPv6 hosts, ports,
 * dot segments, percent-encoding sets, setters, origin, searchParams.
 * Not covered: IDNA (a non-ASCII host is kept lowercased, not punycoded) and
 * Windows drive-letter quirks of `file:` URLs.
 */
import * as P from './primordials';
import { customInspectSymbol, inspect } from './inspect';
import {
  SPECIAL, isSpecial, encode, decodeBytes, utf8, formSet, fragmentSet, querySet, specialQuerySet, userinfoSet, parse, serialize, serializePath, parsePath, parseAuthority, type Record_,
} from './url-parse';

// ---------------------------------------------------------------- URLSearchParams

function formDecode(s: string): string {
  return utf8.decode(decodeBytes(P.StringPrototypeReplace(s, /\+/g, ' ')));
}

export class URLSearchParams {
  #list: Array<[string, string]> = [];
  #onChange: (() => void) | undefined;

  constructor(init: unknown = '') {
    if (typeof init === 'object' && init !== null) {
      if (typeof (init as any)[Symbol.iterator] === 'function') {
        for (const pair of init as Iterable<unknown>) {
          const p = [...(pair as Iterable<unknown>)];
          if (p.length !== 2) throw new P.TypeErrorCtor('Each query pair must be an iterable [name, value] tuple');
          P.ArrayPrototypePush(this.#list, [P.StringCtor(p[0]), P.StringCtor(p[1])]);
        }
      } else {
        for (const key of P.ObjectKeys(init)) P.ArrayPrototypePush(this.#list, [key, P.StringCtor((init as any)[key])]);
      }
    } else {
      this.#parse(P.StringCtor(init));
    }
  }

  #parse(s: string): void {
    this.#list = [];
    if (P.StringPrototypeStartsWith(s, '?')) s = P.StringPrototypeSlice(s, 1);
    for (const part of P.StringPrototypeSplit(s, '&')) {
      if (part === '') continue;
      const eq = P.StringPrototypeIndexOf(part, '=');
      const name = eq === -1 ? part : P.StringPrototypeSlice(part, 0, eq);
      const value = eq === -1 ? '' : P.StringPrototypeSlice(part, eq + 1);
      P.ArrayPrototypePush(this.#list, [formDecode(name), formDecode(value)]);
    }
  }

  /** @internal linking with the owning URL */
  static link(params: URLSearchParams, query: string | null, onChange: () => void): void {
    params.#parse(query ?? '');
    params.#onChange = onChange;
  }

  #changed(): void { this.#onChange?.(); }

  get size(): number { return this.#list.length; }
  append(name: unknown, value: unknown): void { P.ArrayPrototypePush(this.#list, [P.StringCtor(name), P.StringCtor(value)]); this.#changed(); }
  delete(name: unknown, value?: unknown): void {
    const n = P.StringCtor(name);
    this.#list = P.ArrayPrototypeFilter(this.#list, ([k, v]) => k !== n || (value !== undefined && v !== P.StringCtor(value)));
    this.#changed();
  }
  get(name: unknown): string | null {
    const n = P.StringCtor(name);
    for (const [k, v] of this.#list) if (k === n) return v;
    return null;
  }
  getAll(name: unknown): string[] {
    const n = P.StringCtor(name);
    return P.ArrayPrototypeMap(P.ArrayPrototypeFilter(this.#list, ([k]) => k === n), ([, v]) => v);
  }
  has(name: unknown, value?: unknown): boolean {
    const n = P.StringCtor(name);
    for (const [k, v] of this.#list) if (k === n && (value === undefined || v === P.StringCtor(value))) return true;
    return false;
  }
  set(name: unknown, value: unknown): void {
    const n = P.StringCtor(name);
    const v = P.StringCtor(value);
    const i = this.#list.findIndex(([k]) => k === n);
    if (i === -1) P.ArrayPrototypePush(this.#list, [n, v]);
    else {
      this.#list[i] = [n, v];
      this.#list = P.ArrayPrototypeFilter(this.#list, ([k], j) => j <= i || k !== n);
    }
    this.#changed();
  }
  sort(): void {
    // Stable sort by name in UTF-16 code units.
    const indexed = P.ArrayPrototypeMap(this.#list, (e, i) => [e, i] as const);
    P.ArrayPrototypeSort(indexed, (a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]));
    this.#list = P.ArrayPrototypeMap(indexed, (e) => e[0]);
    this.#changed();
  }
  forEach(fn: (value: string, key: string, self: URLSearchParams) => void, thisArg?: unknown): void {
    for (const [k, v] of P.ArrayPrototypeSlice(this.#list)) P.ReflectApply(fn, thisArg, [v, k, this]);
  }
  *entries(): IterableIterator<[string, string]> { for (const [k, v] of P.ArrayPrototypeSlice(this.#list)) yield [k, v]; }
  *keys(): IterableIterator<string> { for (const [k] of P.ArrayPrototypeSlice(this.#list)) yield k; }
  *values(): IterableIterator<string> { for (const [, v] of P.ArrayPrototypeSlice(this.#list)) yield v; }
  [Symbol.iterator](): IterableIterator<[string, string]> { return this.entries(); }
  toString(): string {
    return P.ArrayPrototypeJoin(P.ArrayPrototypeMap(this.#list, ([k, v]) => `${encode(k, formSet, true)}=${encode(v, formSet, true)}`), '&');
  }
  get [Symbol.toStringTag](): string { return 'URLSearchParams'; }

  [customInspectSymbol](depth: number, opts: any): string {
    if (typeof depth === 'number' && depth < 0) return '[Object]';
    const inner = { ...opts, depth: depth - 1 };
    const output = P.ArrayPrototypeMap(this.#list, ([k, v]) => `${inspect(k, inner)} => ${inspect(v, inner)}`);
    const length = output.reduce((n, s) => n + s.length + 2, -2);
    if (length > (opts?.breakLength ?? 80)) return `URLSearchParams {\n  ${P.ArrayPrototypeJoin(output, ',\n  ')} }`;
    return output.length ? `URLSearchParams { ${P.ArrayPrototypeJoin(output, ', ')} }` : 'URLSearchParams {}';
  }
}

// ---------------------------------------------------------------- URL

export class URL {
  #rec: Record_;
  #params: URLSearchParams | undefined;

  constructor(input: unknown, base?: unknown) {
    let baseRec: Record_ | undefined;
    if (base !== undefined) {
      const b = parse(P.StringCtor(base));
      if (!b) throw Object.assign(new P.TypeErrorCtor('Invalid URL'), { code: 'ERR_INVALID_URL', input: P.StringCtor(base) });
      baseRec = b;
    }
    const rec = parse(P.StringCtor(input), baseRec);
    if (!rec) throw Object.assign(new P.TypeErrorCtor('Invalid URL'), { code: 'ERR_INVALID_URL', input: P.StringCtor(input) });
    this.#rec = rec;
  }

  static canParse(input: unknown, base?: unknown): boolean {
    try {
      new URL(input, base);
      return true;
    } catch {
      return false;
    }
  }

  #reparse(href: string): void {
    const rec = parse(href);
    if (!rec) return; // invalid setter input is ignored, as the standard says
    this.#rec = rec;
    if (this.#params) URLSearchParams.link(this.#params, rec.query, () => this.#syncQuery());
  }

  #syncQuery(): void {
    const q = this.#params!.toString();
    this.#rec.query = q === '' ? null : q;
  }

  get href(): string { return serialize(this.#rec); }
  set href(v: string) {
    const rec = parse(P.StringCtor(v));
    if (!rec) throw Object.assign(new P.TypeErrorCtor('Invalid URL'), { code: 'ERR_INVALID_URL', input: P.StringCtor(v) });
    this.#reparse(serialize(rec));
  }
  get origin(): string {
    const r = this.#rec;
    if (r.scheme === 'blob:' && typeof r.path === 'string') {
      try { return new URL(r.path).origin; } catch { return 'null'; }
    }
    if (!isSpecial(r.scheme) || r.scheme === 'file:') return 'null';
    return `${r.scheme}//${r.host}${r.port !== null ? `:${r.port}` : ''}`;
  }
  get protocol(): string { return this.#rec.scheme; }
  set protocol(v: string) {
    const m = P.RegExpPrototypeExec(/^([a-zA-Z][a-zA-Z0-9+.-]*)/, P.StringCtor(v));
    if (!m) return;
    const scheme = `${P.StringPrototypeToLowerCase(m[1])}:`;
    if (isSpecial(scheme) !== isSpecial(this.#rec.scheme)) return;
    const rec = { ...this.#rec, scheme };
    if (rec.port === SPECIAL[scheme]) rec.port = null;
    this.#reparse(serialize(rec));
  }
  get username(): string { return this.#rec.username; }
  set username(v: string) { if (this.#rec.host) { this.#rec.username = encode(P.StringCtor(v), userinfoSet); } }
  get password(): string { return this.#rec.password; }
  set password(v: string) { if (this.#rec.host) { this.#rec.password = encode(P.StringCtor(v), userinfoSet); } }
  get host(): string { const r = this.#rec; return r.host === null ? '' : r.host + (r.port !== null ? `:${r.port}` : ''); }
  set host(v: string) { this.#setAuthority(P.StringCtor(v), true); }
  get hostname(): string { return this.#rec.host ?? ''; }
  set hostname(v: string) { this.#setAuthority(P.StringCtor(v), false); }
  get port(): string { return this.#rec.port === null ? '' : `${this.#rec.port}`; }
  set port(v: string) {
    const s = P.StringCtor(v);
    if (this.#rec.host === null || this.#rec.host === '' || this.#rec.scheme === 'file:') return;
    if (s === '') { this.#rec.port = null; return; }
    const m = P.RegExpPrototypeExec(/^\d+/, s);
    if (!m) return;
    const n = P.NumberParseInt(m[0], 10);
    if (n > 65535) return;
    this.#rec.port = n === SPECIAL[this.#rec.scheme] ? null : n;
  }
  get pathname(): string { return serializePath(this.#rec); }
  set pathname(v: string) {
    if (typeof this.#rec.path === 'string') return;
    const special = isSpecial(this.#rec.scheme);
    let s = P.StringCtor(v);
    if (s !== '' && s[0] !== '/' && !(special && s[0] === '\\')) s = `/${s}`;
    this.#rec.path = s === '' ? [] : parsePath(P.StringPrototypeSlice(s, 1), special, []);
  }
  get search(): string { const q = this.#rec.query; return q === null || q === '' ? '' : `?${q}`; }
  set search(v: string) {
    let s = P.StringCtor(v);
    if (P.StringPrototypeStartsWith(s, '?')) s = P.StringPrototypeSlice(s, 1);
    this.#rec.query = s === '' ? null : encode(s, isSpecial(this.#rec.scheme) ? specialQuerySet : querySet);
    if (this.#params) URLSearchParams.link(this.#params, this.#rec.query, () => this.#syncQuery());
  }
  get searchParams(): URLSearchParams {
    if (!this.#params) {
      this.#params = new URLSearchParams();
      URLSearchParams.link(this.#params, this.#rec.query, () => this.#syncQuery());
    }
    return this.#params;
  }
  get hash(): string { const f = this.#rec.fragment; return f === null || f === '' ? '' : `#${f}`; }
  set hash(v: string) {
    let s = P.StringCtor(v);
    if (P.StringPrototypeStartsWith(s, '#')) s = P.StringPrototypeSlice(s, 1);
    this.#rec.fragment = s === '' ? null : encode(s, fragmentSet);
  }
  toString(): string { return this.href; }
  toJSON(): string { return this.href; }
  get [Symbol.toStringTag](): string { return 'URL'; }

  #setAuthority(v: string, withPort: boolean): void {
    const r = this.#rec;
    if (typeof r.path === 'string') return;
    const probe: Record_ = { ...r, host: null, port: withPort ? null : r.port };
    const text = withPort ? v : P.StringPrototypeReplace(v, /:.*$/, '');
    const rest = parseAuthority(probe, text, isSpecial(r.scheme));
    if (rest === null || probe.host === null) return;
    r.host = probe.host;
    if (withPort && P.StringPrototypeIncludes(v, ':')) r.port = probe.port;
  }

  [customInspectSymbol](depth: number, opts: any): unknown {
    if (typeof depth === 'number' && depth < 0) return this;
    const obj: Record<string, unknown> = {
      href: this.href, origin: this.origin, protocol: this.protocol, username: this.username, password: this.password,
      host: this.host, hostname: this.hostname, port: this.port, pathname: this.pathname, search: this.search,
      searchParams: this.searchParams, hash: this.hash,
    };
    return `URL ${inspect(obj, opts)}`;
  }
}
