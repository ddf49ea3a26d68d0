/**
 * The session's web globals (URL, URLSearchParams, TextEncoder/TextDecoder,
 * atob/btoa, structuredClone) against Node's implementations of the same.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { fileSession } from './helpers';

const file = fileSession();

/** Evaluates `fn(arg)` in Node and in the session (as JSON) and compares. */
async function same(fnSource: string, arg: unknown): Promise<void> {
  const fn = (0, eval)(`(${fnSource})`) as (a: unknown) => unknown;
  let expected: unknown;
  try {
    expected = fn(arg);
  } catch (err) {
    expected = { threw: (err as Error).name };
  }
  const r = await file.s.run(`(() => { try { return JSON.stringify((${fnSource})(${JSON.stringify(arg)})) } catch (e) { return JSON.stringify({ threw: e.name }) } })()`);
  assert.equal(r.outcome.status, 'ok', JSON.stringify(r.outcome));
  assert.deepEqual(JSON.parse(r.outcome.result!.preview), JSON.parse(JSON.stringify(expected)), `${fnSource} on ${JSON.stringify(arg)}`);
}

const URL_PARTS = `([input, base]) => { const u = base == null ? new URL(input) : new URL(input, base);
  return [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash] }`;

describe('URL', () => {
  const inputs: Array<[string, string?]> = [
    ['https://example.com'], ['HTTPS://User:Pa%20ss@EXAMPLE.com:443/a/./b/../c?x=1&y=%20#frag'], ['http://example.com:8080/p?q#h'],
    ['http://[::1]:3000/x'], ['http://[2001:db8:0:0:0:0:2:1]/'], ['http://192.168.0.1/'], ['http://0x7f.1/'], ['http://example.com/a b/"c"<d>'],
    ['http://example.com/%2e%2E/x'], ['http://example.com\\a\\b'], ['ws://h/'], ['file:///etc/hosts'], ['file://localhost/x'],
    ['mailto:someone@example.com'], ['data:text/plain,hello world'], ['urn:isbn:123'], ['foo://host/path?q#f'], ['blob:https://a.com/uuid'],
    ['../c?z#w', 'https://a.com/x/y/z'], ['/abs', 'https://a.com/x/y'], ['?only', 'https://a.com/x?old#h'], ['#hash', 'https://a.com/x?q'],
    ['//other.org/p', 'https://a.com/'], ['', 'https://a.com/x#h'], ['http:rel', 'http://a.com/dir/file'], ['not a url'], ['http://'],
    ['https://exa mple.com'], ['http://a.com:99999'], ['rel', undefined], ['https://ünicode.example/'.replace('ü', 'u')],
  ];
  for (const [input, base] of inputs) {
    test(`${input}${base ? ` against ${base}` : ''}`, () => same(URL_PARTS, [input, base]));
  }

  test('setters and searchParams stay in sync', () => same(`() => {
    const u = new URL('https://a.com/p?x=1');
    u.searchParams.append('y', 'two words'); const a = u.href;
    u.search = '?z=3'; const b = u.searchParams.get('z');
    u.pathname = '/new path'; u.hash = 'frag'; u.port = '8443'; u.hostname = 'b.org'; u.protocol = 'http';
    return [a, b, u.href, URL.canParse('nope'), URL.canParse('/x', 'https://a.com')] }`, null));

  test('inspect output reads like Node', async () => {
    const src = 'new URL("https://user:pw@a.com:8080/p/q?x=1&y=2#h")';
    assert.equal(await file.s.value(src), util.inspect((0, eval)(src)));
    const params = 'new URLSearchParams("a=1&b=2&a=3")';
    assert.equal(await file.s.value(params), util.inspect((0, eval)(params)));
  });
});

describe('URLSearchParams', () => {
  for (const init of ['a=1&b=2&a=3', '?x=%20y+z&&empty=&flag', 'q=%E2%82%AC&bad=%zz']) {
    test(init, () => same(`(init) => { const p = new URLSearchParams(init); const keys = [...p.keys()]; p.sort(); p.set('a', 'new'); p.delete('b');
      return [keys, p.get('x'), p.getAll('a'), p.has('flag'), p.toString(), p.size] }`, init));
  }
  test('from records and pairs', () => same(`() => [new URLSearchParams({ a: '1 2', 'b&': '=' }).toString(), new URLSearchParams([['x', 'é'], ['y', '~*']]).toString()]`, null));
});

describe('encoding', () => {
  for (const text of ['', 'ascii', 'héllo wörld €', '😀 surrogate pair', 'lone \ud800 surrogate', '\u0000\uffff']) {
    test(`TextEncoder/TextDecoder: ${JSON.stringify(text)}`, () => same(`(t) => { const b = new TextEncoder().encode(t); return [Array.from(b), new TextDecoder().decode(b)] }`, text));
  }
  test('TextDecoder: invalid bytes, BOM, streaming, fatal', () => same(`() => {
    const d = new TextDecoder();
    const invalid = d.decode(new Uint8Array([0x61, 0xff, 0xc3, 0x28, 0xe2, 0x82, 0x62, 0xf0, 0x9f]));
    const bom = d.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]));
    const s = new TextDecoder(); const streamed = s.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + s.decode(new Uint8Array([0xac]));
    let fatal; try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); fatal = 'no'; } catch (e) { fatal = e.name }
    const into = new TextEncoder().encodeInto('héllo', new Uint8Array(3));
    return [invalid, bom, streamed, fatal, into.read, into.written] }`, null));
  for (const text of ['', 'a', 'ab', 'abc', 'hello world', '\u00ff\u0000']) {
    test(`btoa/atob: ${JSON.stringify(text)}`, () => same(`(t) => { const b = btoa(t); return [b, atob(b), atob(' ' + b + ' ')] }`, text));
  }
  test('atob/btoa errors', () => same(`() => { const r = []; for (const f of [() => btoa('€'), () => atob('a'), () => atob('a*b=')]) { try { f(); r.push('ok') } catch (e) { r.push(e.name) } } return r }`, null));
});

describe('structuredClone', () => {
  test('deep copies data types and cycles', () => same(`() => {
    const o = { d: new Date(5), r: /x/g, m: new Map([[1, { s: new Set([2]) }]]), a: [1, , 3], t: new Uint8Array([1, 2]), big: 1n, e: new RangeError('r') };
    o.self = o; const c = structuredClone(o);
    return [c !== o, c.self === c, c.d.getTime(), c.r.source + c.r.flags, c.m.get(1).s.has(2), c.a.length, 1 in c.a, Array.from(c.t), String(c.big), c.e instanceof RangeError, c.e.message] }`, null));
  test('refuses functions and symbols', () => same(`() => [() => structuredClone({ f() {} }), () => structuredClone(Symbol())].map((f) => { try { f(); return 'ok' } catch (e) { return e.name } })`, null));
});
