/**
 * Hostile code. Each case runs in its own session in its own host process
 * (sessionsPerHost: 1), so a case that takes its host down shows only as that
 * session's outcome. Every case must end with a documented outcome, quickly,
 * and never reach anything of the host.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestRuntime } from './helpers';

let rt: TestRuntime;
before(() => {
  rt = new TestRuntime({ sessionsPerHost: 1 });
});
after(() => rt.close());

/** A value the escape attempts try to obtain: anything of the host process. */
const HOST_PROBE = `(v) => { try { return !!(v && (v.pid || v.versions || v.mainModule || v.binding || (typeof v === 'function' && /native code/.test(String(v)) && v.name === 'require'))); } catch { return false; } }`;

describe('escape attempts do not reach the host', () => {
  const payloads: Array<[string, string]> = [
    ['constructor.constructor', `this.constructor.constructor('return typeof process')()`],
    ['Function via a bootstrap function', `console.log.constructor('return typeof process')()`],
    ['Function via a callback-backed global', `setTimeout.constructor('return [typeof process, typeof require("x")]')()`],
    ['global lookups', `[typeof process, typeof Buffer, typeof __vmsInstall, typeof WebAssembly, typeof SharedArrayBuffer, typeof FinalizationRegistry].join()`],
    ['prepareStackTrace getThis/getFunction', `
      Error.prepareStackTrace = (e, frames) => frames.flatMap((f) => [f.getThis(), f.getFunction()]);
      const found = new Error().stack; const probe = ${HOST_PROBE};
      found.some(probe) || found.some((v) => v && v.constructor && probe(v.constructor.constructor('return this')().process))`],
    ['prepareStackTrace through the bootstrap (custom inspect)', `
      Error.prepareStackTrace = (e, cs) => { globalThis.leaked = cs.map((c) => [c.getFunction(), c.getThis()]); return ''; };
      console.log({ [Symbol.for('nodejs.util.inspect.custom')]() { new Error().stack; return 'x' } });
      leaked.flat().filter((f) => typeof f === 'function').some((f) => /applySyncPromise|emit\\(/.test(String(f)))`],
    ['stack frames of a thrown host callback error', `
      try { prompt({ toString() { throw new Error('from toString') } }) } catch (e) { /runtime-host|isolated-vm|\\/work\\//.test(e.stack) }`],
    ['proxy as a thrown value', `try { throw new Proxy({}, { get: () => () => 'x' }) } catch (e) { typeof e }`],
    ['arguments.callee.caller from a console formatter', `
      let caller = 'none';
      console.log({ [Symbol.for('nodejs.util.inspect.custom')]: function () { try { const c = arguments.callee.caller; caller = c === null ? 'null' : typeof c } catch (e) { caller = e.name } return 'x' } });
      caller`],
    ['Object.prototype pollution and then', `Object.prototype.then = (r) => r(42); Object.prototype.__proto__; 5`],
    ['dynamic import', `import('fs').then(() => 'loaded', (e) => 'refused: ' + e.message)`],
    ['resizable ArrayBuffer', `const b = new ArrayBuffer(8, { maxByteLength: 1e9 }); const C = Object.getPrototypeOf(new Uint8Array(1).buffer).constructor;
      [b.resizable, typeof ArrayBuffer.prototype.resize, new C(8, { maxByteLength: 16 }).resizable].join()`],
    ['Atomics.wait on a plain buffer', `try { Atomics.wait(new Int32Array(new ArrayBuffer(8)), 0, 0) } catch (e) { e.name }`],
  ];
  const expected: Record<string, string> = {
    'constructor.constructor': 'undefined',
    'Function via a bootstrap function': 'undefined',
    'global lookups': 'undefined,undefined,undefined,undefined,undefined,undefined',
    'prepareStackTrace getThis/getFunction': 'false',
    'prepareStackTrace through the bootstrap (custom inspect)': 'false',
    'stack frames of a thrown host callback error': 'false',
    'proxy as a thrown value': 'object',
    'arguments.callee.caller from a console formatter': 'null',
    'Object.prototype pollution and then': '5',
    // import() goes to the session's package loader, which refuses built-ins it does not offer.
    'dynamic import': "refused: Invalid module 'fs': no modules are enabled for this session",
    'resizable ArrayBuffer': 'false,undefined,false',
    'Atomics.wait on a plain buffer': 'TypeError',
  };
  for (const [name, code] of payloads) {
    test(name, async () => {
      const s = await rt.session();
      const r = await s.run(code);
      if (name === 'Function via a callback-backed global') {
        assert.equal(r.outcome.status, 'error');
        assert.match(r.outcome.error!.message, /^Cannot find package 'x'/);
        return;
      }
      if (name === 'dynamic import' && r.outcome.status === 'error') {
        assert.match(r.outcome.error!.message, /Not supported|import/);
        return;
      }
      assert.equal(r.outcome.status, 'ok', JSON.stringify(r.outcome));
      assert.equal(r.outcome.result?.preview, expected[name]);
      assert.equal(await s.value('"still usable"'), 'still usable');
    });
  }
});

describe('hostile resource use ends with a documented outcome', () => {
  const cases: Array<{ name: string; code: string; status: string; crashed?: RegExp; message?: RegExp; wallMs?: number }> = [
    { name: 'getter spinning while the result is read', code: '({ get x() { for (;;); } })', status: 'ok' },
    { name: 'thrown object whose message getter spins', code: 'throw { get message() { for (;;); } }', status: 'timeout' },
    { name: 'custom inspect that spins', code: "({ [Symbol.for('nodejs.util.inspect.custom')]() { for (;;); } })", status: 'timeout' },
    { name: 'proxy trap that spins during inspection', code: 'new Proxy({}, { ownKeys() { for (;;); } })', status: 'timeout' },
    { name: 'flood of host callbacks', code: 'for (;;) clearTimeout(setTimeout(() => {}, 1e6))', status: 'timeout' },
    { name: 'timer flood', code: 'for (;;) setTimeout(() => {}, 1e6)', status: 'error', message: /Too many pending timers/ },
    { name: 'endless microtasks', code: '(function f() { Promise.resolve().then(f) })(); 1', status: 'timeout' },
    { name: 'deep Function-constructor recursion swallowing errors', code: 'function r() { try { Function("r()")() } catch { r() } } r()', status: 'timeout' },
    { name: 'string doubling', code: 'let s = "x"; for (;;) s += s', status: 'error', message: /Invalid string length/ },
    { name: 'ArrayBuffer allocation past memMb', code: 'const a = []; for (;;) a.push(new ArrayBuffer(1e6))', status: 'error', crashed: /Memory limit/ },
    { name: 'heap growth past memMb', code: 'const a = []; for (;;) a.push(new Array(1e5).fill(1))', status: 'error', crashed: /Memory limit/ },
    // V8 aborts the isolate's process on this one (a heap OOM memoryLimit does not catch): its host dies.
    { name: 'an object with millions of keys', code: 'const o = {}; for (let i = 0; i < 5e6; i++) o["k" + i] = i; 1', status: 'error', crashed: /runtime host|Memory limit/, wallMs: 5000 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = await rt.session();
      const t0 = performance.now();
      const r = await s.run(c.code, { limits: { wallMs: c.wallMs ?? 300, cpuMs: c.wallMs ?? 300 } });
      assert.equal(r.outcome.status, c.status, JSON.stringify(r.outcome));
      assert.ok(performance.now() - t0 < (c.wallMs ?? 300) + 3000, 'ended in time');
      if (c.crashed) assert.match(r.outcome.sessionCrashed ?? '', c.crashed);
      else assert.equal(r.outcome.sessionCrashed, undefined);
      if (c.message) assert.match(r.outcome.error!.message, c.message);
      if (!c.crashed) assert.equal(await s.value('"usable"'), 'usable');
    });
  }

  test('a neighbour in another host is untouched by all of it', async () => {
    const s = await rt.session();
    assert.equal(await s.value('1 + 1'), '2');
  });
});
