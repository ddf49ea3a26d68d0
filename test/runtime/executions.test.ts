/**
 * Executions against the real runtime: state, console, values, exceptions,
 * timers, top-level await, files (JS, TS, ES modules), prompt, completion.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestRuntime, closing, settings, type TestSession } from './helpers';

let rt: TestRuntime;
let s: TestSession;

const FILES = {
  'lib/a.js': [
    'function greet(name) {',
    "  console.log('hello %s', name);",
    "  return 'hi ' + name;",
    '}',
    'function boom() {',
    "  throw new TypeError('bad thing');",
    '}',
    'greet(__ARGS__.name + __ENV__.suffix);',
  ].join('\n'),
  'lib/t.ts': [
    'interface P { name: string }',
    'function hello(p: P): string {',
    "  console.log('ts says', p.name);",
    '  return `hello ${p.name}`;',
    '}',
    "hello({ name: 'ts' });",
    'function fail(): never {',
    "  throw new Error('ts failure');",
    '}',
    'fail();',
  ].join('\n'),
  'esm/main.mjs': [
    "import { double } from './util.mjs';",
    "import data from './data';",
    "console.log('esm', double(21), data.x);",
    'await new Promise((r) => setTimeout(r, 10));',
    "console.log('after await');",
  ].join('\n'),
  'esm/util.mjs': 'export const double = (n) => n * 2;',
  'esm/data.js': "export default { x: 'data.js' };",
  'esm/typed.mts': "import { double } from './util.mjs';\nconst n: number = double(4);\nconsole.log('mts', n);",
  'esm/late.mjs': "await null;\nthrow new Error('late failure');",
  'esm/missing.mjs': "import x from './nope.js';",
  'esm/escape.mjs': "import x from '../../../../etc/hostname';",
};

before(async () => {
  rt = new TestRuntime();
  s = await rt.session({ files: FILES });
});
after(() => rt.close());

describe('state', () => {
  test('var, let, const and class persist across executions', async () => {
    await s.value('var x = 41');
    assert.equal(await s.value('x + 1'), '42');
    await s.value('let y = 5; const z = 6; class K {}');
    assert.equal(await s.value('y + z + typeof K'), "'11function'".slice(1, -1));
  });

  test('a top-level let redeclared is a SyntaxError, state kept', async () => {
    await s.value('let dup = 1');
    const r = await s.run('let dup = 2');
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.outcome.error?.name, 'SyntaxError');
    assert.equal(await s.value('dup'), '1');
  });
});

describe('console', () => {
  test('levels and util.format formatting', async () => {
    const r = await s.run(`console.log('a %s %d %i %f %j %%', 'str', 4.5, 4.5, '1.5', {k: [1]}); console.info({ a: 1 }, [1, 'x']);
      console.warn('w'); console.error(new Map([[1, 2]])); console.debug('%o', [1]); console.log('%c styled', 'color: red')`);
    const consoles = r.events.filter((e) => e.type === 'console').map((e) => e.payload);
    assert.deepEqual(consoles.map((p) => (p as { level: string }).level), ['log', 'info', 'warn', 'error', 'debug', 'log']);
    assert.deepEqual(r.logs, [
      'a str 4.5 4 1.5 {"k":[1]} %', "{ a: 1 } [ 1, 'x' ]", 'w', 'Map(1) { 1 => 2 }', '[ 1, [length]: 1 ]', ' styled',
    ]);
  });

  test('extras: table, count, assert, group, dir', async () => {
    const r = await s.run(`console.table([{ a: 1, b: 'x' }, { a: 2 }]); console.count(); console.count();
      console.assert(1 === 2, 'nope'); console.group('g'); console.log('inner'); console.groupEnd(); console.dir({ d: { e: { f: { g: 1 } } } }, { depth: 0 })`);
    assert.deepEqual(r.logs, [
      '┌─────────┬───┬─────┐\n│ (index) │ a │  b  │\n├─────────┼───┼─────┤\n│    0    │ 1 │ \'x\' │\n│    1    │ 2 │     │\n└─────────┴───┴─────┘',
      'default: 1', 'default: 2', 'Assertion failed: nope', 'g', '  inner', '{ d: [Object] }',
    ]);
  });

  test('console events carry the call site in a worktree file, not for REPL input', async () => {
    const r = await s.runFile('lib/a.js', { args: { name: 'bob' }, env: { suffix: '!' } });
    assert.equal(r.outcome.status, 'ok');
    assert.equal(r.outcome.result?.preview, 'hi bob!');
    const first = r.events[0];
    assert.deepEqual(first.payload, { level: 'log', text: 'hello bob!', location: { path: 'lib/a.js', line: 2, column: 11 } });
    const repl = await s.run('console.log(1)');
    assert.equal((repl.events[0].payload as { location?: unknown }).location, undefined);
  });

  test('runtime.console false makes console a no-op', async () => {
    const quiet = await rt.session({ settings: settings({}, { console: false }) });
    const r = await quiet.run('console.log("hidden"); 1');
    assert.deepEqual(r.logs, []);
    assert.equal(r.outcome.result?.preview, '1');
  });
});

describe('values', () => {
  const cases: Array<[string, string, string, unknown?]> = [
    ['undefined', 'undefined', 'undefined'],
    ['null', 'null', 'null', null],
    ['true', 'boolean', 'true', true],
    ['1.5', 'number', '1.5', 1.5],
    ['-0', 'number', '-0', 0],
    ['NaN', 'number', 'NaN'],
    ['10n', 'bigint', '10n'],
    ['"top level"', 'string', 'top level', 'top level'],
    ['Symbol("s")', 'symbol', 'Symbol(s)'],
    ['(function f() {})', 'function', '[Function: f]'],
    ['(class A {})', 'function', '[class A]'],
    ['[1, "a", [2]]', 'array', "[ 1, 'a', [ 2 ] ]", [1, 'a', [2]]],
    ['({ a: 1, b: "x" })', 'object', "{ a: 1, b: 'x' }", { a: 1, b: 'x' }],
    ['{ a: 1 }', 'object', '{ a: 1 }', { a: 1 }],
    ['new Date(0)', 'date', '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'],
    ['/a+/g', 'regexp', '/a+/g'],
    ['new Map([["a", 1]])', 'map', "Map(1) { 'a' => 1 }"],
    ['new Set([1, 2])', 'set', 'Set(2) { 1, 2 }'],
    ['({ u: undefined })', 'object', '{ u: undefined }'],
    ['(() => { const o = { a: 1 }; o.self = o; return o })()', 'object', '<ref *1> { a: 1, self: [Circular *1] }'],
    ['({ a: { b: { c: { d: 1 } } } })', 'object', '{ a: { b: { c: [Object] } } }', { a: { b: { c: { d: 1 } } } }],
    ['Object.assign(new Error("e"), { stack: "Error: e\\n    at x (lib/a.js:1:1)" })', 'error', 'Error: e\n    at x (lib/a.js:1:1)'],
  ];
  for (const [code, type, preview, json] of cases) {
    test(`${code} → ${type} ${preview}`, async () => {
      const r = await s.run(code);
      assert.equal(r.outcome.status, 'ok', JSON.stringify(r.outcome));
      assert.equal(r.outcome.result?.type, type);
      assert.equal(r.outcome.result?.preview, preview);
      if (json !== undefined) assert.deepEqual(r.outcome.result?.json, json);
      else assert.equal('json' in r.outcome.result!, false, `no json for ${code}`);
      assert.deepEqual(closing(r), { type: 'value', ts: closing(r).ts, payload: r.outcome.result });
    });
  }

  test('promise results are awaited; rejections are exceptions', async () => {
    assert.equal(await s.value('Promise.resolve(7)'), '7');
    assert.equal(await s.value('new Promise((r) => setTimeout(() => r("late"), 20))'), 'late');
    const r = await s.run('Promise.reject(new RangeError("no"))');
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.outcome.error?.name, 'RangeError');
    assert.equal(closing(r).type, 'exception');
  });

  test('top-level await, and its declarations survive', async () => {
    assert.equal(await s.value('const tla = await Promise.resolve(20); tla * 2'), '40');
    assert.equal(await s.value('tla + 1'), '21');
    assert.equal(await s.value('for await (const v of [Promise.resolve(1)]) var seen = v; seen'), '1');
    assert.equal(await s.value('await new Promise((r) => setTimeout(r, 5)); function later() { return "fn" } later()'), "fn");
    assert.equal(await s.value('later()'), 'fn');
  });
});

describe('exceptions', () => {
  test('thrown in REPL input', async () => {
    const r = await s.run('null.x');
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.outcome.error?.name, 'TypeError');
    assert.match(r.outcome.error!.stack, /^TypeError: Cannot read properties of null \(reading 'x'\)\n {4}at <repl>:1:6$/);
    assert.equal(r.outcome.error?.location, undefined);
    assert.doesNotMatch(r.outcome.error!.stack, /isolated-vm|runtime-host|\/work\//);
  });

  test('thrown in a worktree file carries its location', async () => {
    const r = await s.run('boom()');
    assert.deepEqual(r.outcome.error?.location, { path: 'lib/a.js', line: 6, column: 9 });
    assert.match(r.outcome.error!.stack, /at boom \(lib\/a\.js:6:9\)/);
  });

  test('syntax errors', async () => {
    const r = await s.run('let let = ;');
    assert.equal(r.outcome.error?.name, 'SyntaxError');
    assert.equal(r.outcome.error?.message, 'let is disallowed as a lexically bound name');
  });

  test('non-errors thrown read like Node', async () => {
    assert.equal((await s.run('throw 42')).outcome.error?.message, '42');
    assert.equal((await s.run('throw "str"')).outcome.error?.stack, "Uncaught 'str'");
    const r = await s.run('Promise.reject({ code: 1 })');
    assert.equal(r.outcome.status, 'error');
  });

  test('an error in a timer callback ends the execution with it', async () => {
    const r = await s.run('setTimeout(() => { throw new Error("in timer") }, 5); 1');
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.outcome.error?.message, 'in timer');
  });

  test('TypeScript files are transpiled and positions mapped back', async () => {
    const r = await s.runFile('lib/t.ts');
    assert.deepEqual(r.logs, ['ts says ts']);
    assert.equal(r.outcome.status, 'error');
    assert.deepEqual(r.outcome.error?.location, { path: 'lib/t.ts', line: 8, column: 9 });
    assert.deepEqual((r.events[0].payload as { location: unknown }).location, { path: 'lib/t.ts', line: 3, column: 11 });
  });
});

describe('timers', () => {
  test('the execution waits for its timers', async () => {
    const r = await s.run('setTimeout(() => console.log("t1"), 10); setTimeout(() => console.log("t2"), 20); "sync"');
    assert.deepEqual(r.logs, ['t1', 't2']);
    assert.equal(r.outcome.result?.preview, 'sync');
    assert.ok(r.outcome.wallMs >= 15);
  });

  test('intervals until cleared, clearTimeout, queueMicrotask', async () => {
    const r = await s.run(`let n = 0; const id = setInterval(() => { if (++n === 3) clearInterval(id) }, 2);
      clearTimeout(setTimeout(() => console.log('never'), 5)); queueMicrotask(() => console.log('micro')); 'started'`);
    assert.deepEqual(r.logs, ['micro']);
    assert.equal(await s.value('n'), '3');
  });
});

describe('files', () => {
  test('ES modules import worktree files, with top-level await', async () => {
    const r = await s.runFile('esm/main.mjs');
    assert.equal(r.outcome.status, 'ok', JSON.stringify(r.outcome));
    assert.deepEqual(r.logs, ['esm 42 data.js', 'after await']);
  });

  test('.mts, a late module failure, a missing import, an import leaving the worktree', async () => {
    assert.deepEqual((await s.runFile('esm/typed.mts')).logs, ['mts 8']);
    const late = await s.runFile('esm/late.mjs');
    assert.equal(late.outcome.error?.message, 'late failure');
    assert.deepEqual(late.outcome.error?.location, { path: 'esm/late.mjs', line: 2, column: 7 });
    assert.match((await s.runFile('esm/missing.mjs')).outcome.error!.message, /Cannot find module '\.\/nope\.js'/);
    const escape = (await s.runFile('esm/escape.mjs')).outcome;
    assert.match(escape.error!.message, /resolves outside the worktree/);
    assert.equal(escape.refused?.code, 'INVALID_PATH');
  });

  test('strict mode', async () => {
    const strict = await rt.session({ settings: settings({}, { strict: true }) });
    const r = await strict.run('undeclared = 1');
    assert.equal(r.outcome.error?.name, 'ReferenceError');
    assert.equal(await strict.value('var v = 1'), 'undefined');
  });
});

describe('session globals', () => {
  test('web globals', async () => {
    assert.equal(await s.value('new TextDecoder().decode(new TextEncoder().encode("héllo €"))'), 'héllo €');
    assert.equal(await s.value('btoa("hi") + atob("aGk=")'), 'aGk=hi');
    assert.equal(await s.value('new URL("../x?a=1#h", "https://u:p@Example.com:443/a/b").href'), 'https://u:p@example.com/x?a=1#h');
    assert.equal(await s.value('new URLSearchParams({ a: "1 2", b: "&" }).toString()'), 'a=1+2&b=%26');
    assert.equal(await s.value('const sc = structuredClone(new Map([[1, { d: new Date(0) }]])); sc.get(1).d instanceof Date'), 'true');
    assert.equal(await s.value('typeof global === "object" && global === globalThis'), 'true');
  });

  test('prompt asks through the sink', async () => {
    const r = await s.run('prompt("name?")', { prompt: async (m) => `answer to ${m}` });
    assert.equal(r.outcome.result?.preview, 'answer to name?');
    assert.equal(await s.value('String(prompt("x"))'), 'null');
  });

  test('require of anything not configured: Invalid module', async () => {
    for (const name of ['fs', 'child_process', 'database', 'exec', '../x']) {
      const r = await s.run(`require(${JSON.stringify(name)})`);
      assert.match(r.outcome.error!.message, /Invalid module/);
    }
  });

  test('no process, host require, Buffer', async () => {
    assert.equal(await s.value('[typeof process, typeof Buffer, typeof module, typeof exports, typeof __dirname].join()'), 'undefined,undefined,undefined,undefined,undefined');
  });
});

describe('complete', () => {
  test('globals, session names and properties, without calling anything', async () => {
    await s.value('const completeMe = { alpha: 1, beta() {}, get danger() { throw new Error("called") } }');
    const top = await rt.rt.complete(s.id, 'compl', 5);
    assert.deepEqual(top, [{ label: 'completeMe', kind: 'variable' }]);
    const props = await rt.rt.complete(s.id, 'x = completeMe.', 15);
    assert.deepEqual(props.filter((i) => ['alpha', 'beta', 'danger'].includes(i.label)), [
      { label: 'alpha', kind: 'property' }, { label: 'beta', kind: 'function' }, { label: 'danger', kind: 'property' },
    ]);
    assert.deepEqual(await rt.rt.complete(s.id, 'Math.ma', 7), [{ label: 'max', kind: 'function' }]);
    assert.deepEqual(await rt.rt.complete(s.id, 'completeMe.danger.', 18), []);
  });
});
