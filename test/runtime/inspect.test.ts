/**
 * The bootstrap's inspect/format, run in a real isolate, against Node's own
 * util.inspect/util.format on the same values (each source is evaluated in
 * both). Data-driven: a new case is one line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { fileSession } from './helpers';

const file = fileSession();

const nodeEval = (src: string): unknown => (0, eval)(`(${src})`);

/** Sources of values; errors get a fixed stack so both sides print the same frames. */
const VALUES = [
  // primitives
  '1', '-0', 'NaN', '-Infinity', '1e21', '0.1 + 0.2', '123n', 'true', 'undefined', 'null', 'Symbol("sym")', 'Symbol()',
  '"plain"', '"it\'s"', '"it\'s \\"quoted\\""', '"all \' \\" ` quotes"', '"tab\\tnew\\nline\\u0001\\u007f"', '"😀 é"',
  // arrays
  '[]', '[1, 2, 3]', '[[1, [2, [3, [4]]]]]', '[1, , 3]', '[, , ]', 'new Array(5)', 'Object.assign([1, 2], { extra: true, "a b": 1 })',
  'Array.from({ length: 30 }, (_, i) => i * i)', 'Array.from({ length: 120 }, (_, i) => i)', 'Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i))',
  'Array.from({ length: 10 }, (_, i) => "item" + i)', 'Array.from({ length: 7 }, (_, i) => "a".repeat(i))', '[1.5, -2, 300000, 4e21, -0, 7]',
  '[true, false, null, undefined, 1, "s", 2n]', 'new Array(200).fill(7)', '[{ a: 1, b: 2 }, { a: 3, b: 4 }]', '[["a", 1], ["b", 2]]',
  // objects
  '{}', '{ a: 1, b: "x" }', '{ "a-b": 1, 2: 3, valid_id: 4, $d: 5, "key with space": 6 }', '{ a: { b: { c: { d: {} } } } }',
  '{ a: [{ b: 1 }, { c: 2 }], d: new Map([[{ k: 1 }, [1, 2]]]) }', '{ x: [[[[1]]]] }', '{ "__proto__": 1 }',
  '{ aaaaaaaa: 1, bbbbbbbbbbb: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ccccccccc: [1, 2, 3], dddddddddd: "yyyyyyyyyyyyyyyyyyyyy" }',
  'Object.fromEntries(Array.from({ length: 30 }, (_, i) => ["k" + i, i]))', '{ a: "x".repeat(100) }',
  '{ text: "a".repeat(30) + "\\n" + "b".repeat(70) + "\\n" + "c" }', '{ [Symbol("k")]: 1, [Symbol.iterator]: 2 }',
  '{ get g() { return 1 }, set s(v) {}, get gs() { return 1 }, set gs(v) {} }', 'Object.defineProperty({ v: 1 }, "hidden", { value: 2 })',
  'Object.create(null)', 'Object.assign(Object.create(null), { a: 1 })', '{ [Symbol.toStringTag]: "Tagged" }',
  '(() => { const o = { a: 1 }; o.self = o; return o })()', '(() => { const a = [1]; a.push(a); return a })()',
  '(() => { const o = { name: "x" }; const p = { child: o }; o.parent = p; return p })()',
  '(() => { const m = new Map(); m.set("me", m); return m })()',
  // classes, functions
  'function f() {}', '() => {}', 'async function af() {}', 'function* gen() {}', 'async function* agen() {}', 'class A {}',
  'class B extends Array {}', '(class {})', 'Object.assign(function withProps() {}, { a: 1 })', '{ f: function () {}, g: class {}, h: Symbol.iterator }',
  '(() => { class Foo { constructor() { this.x = 1 } }; return new Foo() })()', '(() => { class Empty {}; return new Empty() })()',
  '(() => { class T { get [Symbol.toStringTag]() { return "TT" } }; return new T() })()', 'new (class Sub extends Map {})([[1, 2]])',
  'new (class SubSet extends Set {})([1])', '(function () { return arguments })(1, "two")',
  // built-ins
  'new Map([["a", 1], ["b", { c: 2 }]])', 'new Map()', 'new Set([1, [2, 3], { s: 1 }])', 'new Set()', 'new Map([[new Map([[1, new Map([[2, new Map()]])]]), 1]])',
  'new Date(0)', 'new Date(NaN)', 'Object.assign(new Date(0), { tag: 1 })', '/ab+c/gi', 'Object.assign(/x/, { extra: 1 })',
  'new Uint8Array([1, 2, 3])', 'new Float64Array(2)', 'new BigInt64Array([1n])', 'new Uint8Array(0)', 'new ArrayBuffer(4)', 'new DataView(new ArrayBuffer(2))',
  'new Number(3)', 'new String("abc")', 'new Boolean(false)', 'Object(1n)', 'Object(Symbol("b"))', 'new WeakMap()', 'new WeakSet()',
  // errors (fixed stacks)
  'Object.assign(new Error("with props"), { stack: "Error: with props\\n    at foo (a.js:1:1)", code: "E_X" })',
  'Object.assign(new TypeError("t"), { stack: "TypeError: t\\n    at x (b.js:2:3)" })',
  '(() => { const e = new Error("nostack"); e.stack = "Error: nostack"; return e })()',
  '(() => { const e = new RangeError("r"); e.stack = "RangeError: r\\n    at y (c.js:1:1)"; return [e] })()',
  '(() => { const e = new Error("c"); e.stack = "Error: c\\n    at z (d.js:1:1)"; return { err: e } })()',
  '(() => { class MyErr extends Error {}; const e = new MyErr("m"); e.stack = "Error: m\\n    at q (e.js:1:1)"; return e })()',
  '(() => { const c = new Error("cause"); c.stack = "Error: cause\\n    at a (f.js:1:1)"; const e = new Error("outer", { cause: c }); e.stack = "Error: outer\\n    at b (g.js:1:1)"; return e })()',
  '(() => { const e = new Error("named"); e.name = "CustomName"; e.stack = "CustomName: named\\n    at n (h.js:1:1)"; return e })()',
];

describe('inspect matches util.inspect', () => {
  for (const src of VALUES) {
    test(src, async () => {
      const expected = util.inspect(nodeEval(src));
      const r = await file.s.run(`console.log("%O", ${src}); (${src})`);
      assert.equal(r.outcome.status, 'ok', JSON.stringify(r.outcome));
      assert.equal(r.logs[0], expected);
      if (typeof nodeEval(src) !== 'string') assert.equal(r.outcome.result?.preview, expected);
    });
  }
});

/** util.format argument lists, as sources. */
const FORMATS = [
  '"%s:%d", "a", 42', '"%i %f", "42.5", "3.25"', '"%j", { a: [1] }', '"%j", (() => { const o = {}; o.o = o; return o })()',
  '"%o", [1, 2]', '"%O", { a: { b: { c: { d: 1 } } } }', '"%c x %%", "color: red"', '"a", 1, "b", { x: 1 }', '"%s", { a: 1 }',
  '"%s", new Date(0)', '"%s", [1, [2, [3]]]', '"%d", "0x10"', '"%s %s", "only"', '1, 2, 3', '"%o", { f() {} }', '"%s", null, undefined',
  '"%s", Symbol("q")', '"%s", 12345678901234567890n', '"%x %s", 1', '"%d %i", 1n, 2n', '"%s", { toString() { return "custom" } }',
  '"%s", new (class Foo { toString() { return "Foo!" } })()', '"%s", new Error("e")', '"100%"', '"%", 1', '"%s"', '{ a: 1 }, "str"',
];

describe('format matches util.format', () => {
  for (const args of FORMATS) {
    test(args, async () => {
      const expected = util.format(...(nodeEval(`[${args}]`) as unknown[]));
      const r = await file.s.run(`console.log(${args})`);
      // Stack frames differ between Node and the isolate: compared without them.
      const frames = (text: string) => text.replace(/\n {4}at [^\n]*/g, '');
      assert.equal(frames(r.logs[0]), frames(expected), args);
    });
  }
});
