import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, makeWorktree, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

const repl = (sessionId: string, input: string) => d.call(P.ExecutionsRepl, { sessionId, input });

test('state persists across executions', async () => {
  const { session } = await openSession(d);
  await repl(session.id, 'var x = 41');
  const r = await repl(session.id, 'x + 1');
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.result, { type: 'number', preview: '42', json: 42 });
  await repl(session.id, 'let y = 2; const z = 3;');
  assert.equal((await repl(session.id, 'y * z')).result?.preview, '6');
});

test('events: input echo, console levels with util.format text, closing value', async () => {
  const { session } = await openSession(d);
  const input = 'console.log("a %s %d", "b", 3); console.info({ a: 1 }); console.warn("w"); console.error("e"); console.debug([1, 2, 3]); "done"';
  const r = await repl(session.id, input);
  assert.ok(P.ExecutionWithEvents.safeParse(r).success);
  assert.deepEqual(r.events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(r.events[0], { ...r.events[0], type: 'input_echo', payload: { text: input } });
  const consoles = r.events.filter((e) => e.type === 'console').map((e) => e.payload as P.ConsolePayload);
  assert.deepEqual(consoles.map((c) => [c.level, c.text]), [['log', 'a b 3'], ['info', '{ a: 1 }'], ['warn', 'w'], ['error', 'e'], ['debug', '[ 1, 2, 3 ]']]);
  assert.deepEqual(r.events.at(-1)?.payload, { type: 'string', preview: 'done', json: 'done' });
  assert.equal(r.metrics.events, 7);
  assert.ok(r.metrics.outputBytes > 0);
  const stored = await d.call(P.ExecutionsEvents, { executionId: r.id });
  assert.deepEqual(stored.events, r.events);
  const page = await d.call(P.ExecutionsEvents, { executionId: r.id, afterSeq: 5, limit: 1 });
  assert.deepEqual(page.events.map((e) => e.seq), [6]);
  // Streamed as it happened, to this client.
  const pushed = d.events.filter((n) => n.executionId === r.id).map((n) => n.event.seq);
  assert.deepEqual(pushed, [1, 2, 3, 4, 5, 6, 7]);
});

test('value previews read like util.inspect', async () => {
  const { session } = await openSession(d);
  const cases: Array<[string, P.ValueType, string]> = [
    ['[1, 2, 3]', 'array', '[ 1, 2, 3 ]'],
    ["({ a: 1, b: 'x' })", 'object', "{ a: 1, b: 'x' }"],
    ['undefined', 'undefined', 'undefined'],
    ['null', 'null', 'null'],
    ['10n', 'bigint', '10n'],
    ['new Map([["a", 1]])', 'map', "Map(1) { 'a' => 1 }"],
    ['new Set([1])', 'set', 'Set(1) { 1 }'],
    ['/ab+c/g', 'regexp', '/ab+c/g'],
    ['(function named() {})', 'function', '[Function: named]'],
    ['true', 'boolean', 'true'],
    ['Symbol("s")', 'symbol', 'Symbol(s)'],
  ];
  for (const [input, type, preview] of cases) {
    const r = await repl(session.id, input);
    assert.equal(r.result?.type, type, input);
    assert.equal(r.result?.preview, preview, input);
  }
  assert.equal('json' in (await repl(session.id, '(function f() {})')).result!, false);
});

test('exceptions carry name, message, stack and the worktree location', async () => {
  const { session } = await openSession(d, { 'lib/fail.js': 'const a = 1;\nfunction f() {\n  throw new RangeError("too far");\n}\nf();\n' });
  const r = await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'lib/fail.js' });
  assert.equal(r.status, 'error');
  assert.equal(r.error?.name, 'RangeError');
  assert.equal(r.error?.message, 'too far');
  assert.match(r.error?.stack ?? '', /too far/);
  assert.deepEqual(r.error?.location, { path: 'lib/fail.js', line: 3, column: 9 });
  assert.equal(r.events.at(-1)?.type, 'exception');
  const thrown = await repl(session.id, 'null.x');
  assert.equal(thrown.error?.name, 'TypeError');
});

test('run-file: args and env, echo, value', async () => {
  const { session } = await openSession(d, { 'main.js': 'console.log(__ARGS__.n * 2, __ENV__.MODE); __ARGS__.n + 1' });
  const r = await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'main.js', args: { n: 20 }, env: { MODE: 'test' } });
  assert.equal(r.status, 'ok');
  assert.equal(r.kind, 'run_file');
  assert.equal(r.path, 'main.js');
  assert.deepEqual(r.events[0].payload, { path: 'main.js', args: { n: 20 } });
  assert.equal((r.events[1].payload as P.ConsolePayload).text, '40 test');
  assert.equal(r.result?.preview, '21');
});

test('run-file paths: absolute, .., symlink out, missing', async () => {
  const outside = makeWorktree({ 'secret.js': '"secret"' });
  const { session, worktree } = await openSession(d, { 'ok.js': '1', 'sub/inner.js': '2' });
  symlinkSync(path.join(outside, 'secret.js'), path.join(worktree, 'out.js'));
  symlinkSync(outside, path.join(worktree, 'outdir'));
  symlinkSync(path.join(worktree, 'ok.js'), path.join(worktree, 'in.js'));
  const cases: Array<[string, P.ErrorCode]> = [
    [path.join(outside, 'secret.js'), 'INVALID_PATH'],
    ['../secret.js', 'INVALID_PATH'],
    ['sub/../../secret.js', 'INVALID_PATH'],
    ['out.js', 'INVALID_PATH'],
    ['outdir/secret.js', 'INVALID_PATH'],
    ['nope.js', 'FILE_NOT_FOUND'],
    ['sub', 'FILE_NOT_FOUND'],
  ];
  for (const [p, code] of cases) assert.equal((await errorOf(d.call(P.ExecutionsRunFile, { sessionId: session.id, path: p }))).code, code, p);
  assert.equal((await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'in.js' })).result?.preview, '1');
  assert.equal((await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: './sub/inner.js' })).result?.preview, '2');
  // Nothing ran for the refused ones.
  assert.equal((await d.call(P.ExecutionsList, { sessionId: session.id })).executions.length, 2);
});

test('the sandbox: no host objects, Invalid module', async () => {
  const { session } = await openSession(d);
  const r = await repl(session.id, '[typeof process, typeof require === "function" ? "r" : typeof require, typeof Buffer, typeof global === "object" ? typeof global.process : "-"]');
  assert.deepEqual(r.result?.json, ['undefined', 'r', 'undefined', 'undefined']);
  for (const name of ['fs', 'child_process', 'database', 'exec', 'path']) {
    const e = await repl(session.id, `require(${JSON.stringify(name)})`);
    assert.equal(e.status, 'error', name);
    assert.match(e.error?.message ?? '', /Invalid module/, name);
  }
  const escape = await repl(session.id, 'this.constructor.constructor("return typeof process")()');
  assert.equal(escape.result?.preview, 'undefined');
});

test('list pages newest first with beforeId; get answers one', async () => {
  const { session } = await openSession(d);
  for (let i = 0; i < 5; i++) await repl(session.id, String(i));
  const first = await d.call(P.ExecutionsList, { sessionId: session.id, limit: 2 });
  assert.deepEqual(first.executions.map((e) => e.input), ['4', '3']);
  const next = await d.call(P.ExecutionsList, { sessionId: session.id, limit: 2, beforeId: first.executions[1].id });
  assert.deepEqual(next.executions.map((e) => e.input), ['2', '1']);
  assert.deepEqual(await d.call(P.ExecutionsGet, { executionId: first.executions[0].id }), first.executions[0]);
  assert.equal((await errorOf(d.call(P.ExecutionsList, { sessionId: session.id, limit: 0 }))).code, 'VALIDATION_ERROR');
  assert.equal((await errorOf(d.call(P.ExecutionsList, { sessionId: session.id, limit: 1001 }))).code, 'VALIDATION_ERROR');
  assert.equal((await errorOf(d.call(P.ExecutionsEvents, { executionId: first.executions[0].id, afterSeq: -1 }))).code, 'VALIDATION_ERROR');
});

test('output limit: stopped, OUTPUT_LIMIT_EXCEEDED, partial execution queryable', async () => {
  const { session } = await openSession(d, {}, { limits: { maxEvents: 10 } });
  const { code, error } = await errorOf(repl(session.id, 'for (let i = 0; i < 1e6; i++) console.log(i)'));
  assert.equal(code, 'OUTPUT_LIMIT_EXCEEDED');
  const executionId = error.data?.details?.executionId as string;
  assert.equal(error.data?.details?.limit, 'maxEvents');
  const execution = await d.call(P.ExecutionsGet, { executionId });
  assert.equal(execution.status, 'limit_exceeded');
  const { events } = await d.call(P.ExecutionsEvents, { executionId });
  assert.ok(events.length <= 10, `${events.length} events`);
  assert.equal(events.at(-1)?.type, 'system');
  assert.equal((await repl(session.id, '1 + 1')).result?.preview, '2');
});

test('a timeout is a result, and the session goes on', async () => {
  const { session } = await openSession(d, {}, { limits: { wallMs: 300, cpuMs: 300 } });
  await repl(session.id, 'var kept = "yes"');
  const r = await repl(session.id, 'while (true) {}');
  assert.equal(r.status, 'timeout');
  assert.equal(r.events.at(-1)?.type, 'system');
  assert.equal((await repl(session.id, 'kept')).result?.preview, 'yes');
});

test('memory limit: the session crashes, the daemon and other sessions carry on', async () => {
  const other = await openSession(d);
  const { session } = await openSession(d, {}, { limits: { memMb: 16, wallMs: 10000, cpuMs: 10000 } });
  const r = await repl(session.id, 'const a = []; while (true) a.push(new Array(1e5).fill(1));');
  assert.equal(r.status, 'error');
  const s = await d.call(P.SessionsGet, { sessionId: session.id });
  assert.equal(s.status, 'crashed');
  assert.ok(s.lastError);
  assert.equal((await errorOf(repl(session.id, '1'))).code, 'SESSION_NOT_READY');
  assert.equal((await repl(other.session.id, '2 + 2')).result?.preview, '4');
});

test('executions are durable when answered: kill -9 right after loses nothing', async () => {
  const d2 = await startDaemon();
  const { session } = await openSession(d2);
  const answered = [];
  for (let i = 0; i < 5; i++) answered.push(await d2.call(P.ExecutionsRepl, { sessionId: session.id, input: `console.log(${i}); ${i}` }));
  await d2.kill('SIGKILL');
  const d3 = await startDaemon({ dbPath: d2.dbPath });
  try {
    for (const e of answered) {
      const { events, ...execution } = e;
      assert.deepEqual(await d3.call(P.ExecutionsGet, { executionId: e.id }), execution);
      assert.deepEqual((await d3.call(P.ExecutionsEvents, { executionId: e.id })).events, events);
    }
  } finally {
    await d3.stop();
  }
});

test('a file changed on disk is re-read on the next run', async () => {
  const { session, worktree } = await openSession(d, { 'v.js': '"one"' });
  assert.equal((await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'v.js' })).result?.preview, 'one');
  writeFileSync(path.join(worktree, 'v.js'), '"two"');
  assert.equal((await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'v.js' })).result?.preview, 'two');
});

test('a run file can run again: its let/const/class stay in its own scope, var reaches the session', async () => {
  const { session } = await openSession(d, { 'twice.js': 'const greeting = "hi";\nclass Point {}\nlet n = 1;\nvar shared = "visible";\nfunction helper() { return 7; }\ngreeting + n\n' });
  for (let i = 0; i < 2; i++) {
    const r = await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'twice.js' });
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.equal(r.result?.preview, 'hi1');
  }
  assert.deepEqual((await repl(session.id, '[typeof greeting, shared, helper()]')).result?.json, ['undefined', 'visible', 7]);
  const thrown = await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'twice.js' });
  assert.equal(thrown.status, 'ok');
});
