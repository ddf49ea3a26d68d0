/**
 * Hostile code against the real daemon, each case in a daemon of its own:
 * the request answers (never INTERNAL), the outcome is the documented one,
 * the daemon keeps serving (a fresh session works), and nothing of the host
 * shows up in what comes back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, openSession, startDaemon } from '../helpers/daemon';

type Outcome = P.ExecutionStatus | 'OUTPUT_LIMIT_EXCEEDED';
interface Case { name: string; code: string; expect: Outcome[]; crashes?: boolean }

const LIMITS = { wallMs: 1500, cpuMs: 1000, memMb: 64, maxEvents: 200, maxOutputKb: 64 };

const CASES: Case[] = [
  // Runaway code: ends as timeout, the session lives on.
  { name: 'sync infinite loop', code: 'while (true) {}', expect: ['timeout'] },
  { name: 'async infinite loop (microtasks)', code: '(async () => { for (;;) await null; })()', expect: ['timeout'] },
  { name: 'live interval', code: 'setInterval(() => {}, 1)', expect: ['timeout'] },
  { name: 'never-settling promise', code: 'await new Promise(() => {})', expect: ['timeout'] },
  { name: 'ReDoS', code: "/^(a+)+$/.test('a'.repeat(40) + 'b')", expect: ['timeout'] },
  // Previews do not call getters (as util.inspect): `{ x: [Getter] }`; if one were called, the time limit applies.
  { name: 'getter spinning while the result is described', code: '({ get x() { for (;;) {} } })', expect: ['ok', 'timeout'] },
  { name: 'timer flood', code: 'for (;;) setTimeout(() => {}, 0)', expect: ['timeout', 'error'] },
  { name: 'promise flood', code: 'for (;;) Promise.resolve().then(() => {})', expect: ['timeout', 'error'] },
  // Memory: the isolate's limit ends the execution; the session crashes, the daemon does not.
  { name: 'array memory bomb', code: 'const a = []; for (;;) a.push(new Array(1e5).fill(1))', expect: ['error'], crashes: true },
  { name: 'millions of keys', code: 'const o = {}; for (let i = 0; ; i++) o["k" + i] = i', expect: ['error', 'timeout'] },
  { name: 'huge string', code: "let s = 'x'; for (;;) s += s", expect: ['error'] },
  { name: 'huge return value', code: "Array.from({ length: 2e5 }, (_, i) => ({ i, s: 'x'.repeat(50) }))", expect: ['ok', 'error', 'timeout'] },
  // Output: stopped at the limit.
  { name: 'output flood', code: 'for (;;) console.log("flood")', expect: ['OUTPUT_LIMIT_EXCEEDED'] },
  { name: 'one enormous line', code: "console.log('y'.repeat(10 * 1024 * 1024))", expect: ['OUTPUT_LIMIT_EXCEEDED', 'error'] },
  // Stack: a RangeError, not a crash.
  { name: 'deep recursion', code: 'function f() { return f() + 1 } f()', expect: ['error'] },
  { name: 'deep Function-constructor recursion', code: "const g = new Function('g', 'return g(g) + 1'); g(g)", expect: ['error', 'timeout'] },
  // Engine features that abort hosts or escape limits are not there, or refused.
  { name: 'Atomics.wait', code: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(8)), 0, 0)', expect: ['error', 'timeout'] },
  { name: 'WebAssembly', code: 'new WebAssembly.Memory({ initial: 1, maximum: 65536 }).grow(60000)', expect: ['error'] },
  { name: 'resizable ArrayBuffer view', code: 'const b = new ArrayBuffer(8, { maxByteLength: 1 << 30 }); const v = new Uint8Array(b); b.resize(1 << 29); v.length', expect: ['ok', 'error'] },
  // Published escapes from node:vm / vm2: nothing of the host comes back.
  { name: 'constructor.constructor', code: "this.constructor.constructor('return process')()", expect: ['error', 'ok'] },
  { name: 'Function on a console method', code: "console.log.constructor('return process')().mainModule", expect: ['error', 'ok'] },
  { name: 'Error.prepareStackTrace', code: "Error.prepareStackTrace = (e, frames) => frames.map((f) => { try { return f.getThis() } catch { return null } }); const st = new Error().stack; typeof st === 'object' ? st.map((t) => t && t.process && t.process.pid) : 'no frames'", expect: ['ok', 'error'] },
  { name: 'stack frames of a thrown host error', code: "try { null.x } catch (e) { e.constructor.constructor('return typeof process')() }", expect: ['ok'] },
  { name: 'proxy as a thrown value', code: "throw new Proxy({}, { get: (t, k) => { if (k === 'constructor') return Function; return () => 'x' } })", expect: ['error'] },
  { name: 'Symbol.for lookups and globals', code: "[typeof require('fs'), typeof process, typeof Buffer, typeof global.process]", expect: ['error', 'ok'] },
  { name: 'dynamic import of a builtin', code: "await import('fs')", expect: ['error'] },
  { name: 'prototype pollution', code: "Object.prototype.polluted = 'yes'; Array.prototype.map = () => 'hijacked'; ({}).polluted", expect: ['ok'] },
];

const HOST_LEAK = /\bpid\b|\bversions\b|\/work\/|node_modules|execPath|\bargv\b/;

for (const c of CASES) {
  test(`hostile: ${c.name}`, { timeout: 60_000 }, async () => {
    const d = await startDaemon();
    try {
      const { session } = await openSession(d, {}, { limits: LIMITS });
      const request = d.call(P.ExecutionsRepl, { sessionId: session.id, input: c.code });
      let outcome: Outcome;
      let text = '';
      try {
        const r = await request;
        outcome = r.status;
        text = JSON.stringify([r.result, r.error, r.events.slice(1)]);
      } catch (error) {
        const { code } = await errorOf(Promise.reject(error));
        assert.notEqual(code, 'INTERNAL', (error as Error).message);
        assert.equal(code, 'OUTPUT_LIMIT_EXCEEDED', (error as Error).message);
        outcome = 'OUTPUT_LIMIT_EXCEEDED';
      }
      assert.ok(c.expect.includes(outcome), `${c.name}: got ${outcome}, expected one of ${c.expect.join(', ')}`);
      assert.doesNotMatch(text.slice(0, 100_000), HOST_LEAK, 'nothing of the host in the answer');
      const after = await d.call(P.SessionsGet, { sessionId: session.id });
      if (c.crashes) assert.equal(after.status, 'crashed');
      if (after.status === 'ready') {
        // The session itself goes on, and pollution stays inside it.
        assert.equal((await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1 + 1' })).result?.preview, '2');
      }
      // The daemon serves on, and a fresh session is clean.
      assert.equal((await d.call(P.OpsHealth, {})).status, 'ok');
      const fresh = await openSession(d);
      const clean = await d.call(P.ExecutionsRepl, { sessionId: fresh.session.id, input: '[({}).polluted, typeof process, [1].map((x) => x + 1)[0]]' });
      assert.equal(clean.result?.preview, "[ undefined, 'undefined', 2 ]");
    } finally {
      assert.equal(d.proc.exitCode, null, 'the daemon is still running');
      await d.stop();
    }
  });
}
