/** sessions/preview: side-effect-free evaluation through the isolate's inspector, through the daemon. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
const worktrees: string[] = [];
before(async () => { d = await startDaemon(); });
after(async () => {
  await d.stop();
  for (const w of worktrees) rmSync(w, { recursive: true, force: true });
});

async function session(): Promise<string> {
  const { session: s, worktree } = await openSession(d);
  worktrees.push(worktree);
  return s.id;
}

const repl = (sessionId: string, input: string) => d.call(P.ExecutionsRepl, { sessionId, input });
const preview = (sessionId: string, code: string) => d.call(P.SessionsPreview, { sessionId, code });

const SETUP = `
var x = 1;
var arr = [1, 2, 3];
var log = [];
var o = { get counted() { globalThis.hits = (globalThis.hits || 0) + 1; return 5; }, get pure() { return 6; } };
var fetchLike = async () => { globalThis.fetched = true; return 1; };
var loud = { [Symbol.for('nodejs.util.inspect.custom')]() { log.push('inspected'); return 'loud'; } };
var trap = new Proxy({}, { ownKeys(t) { log.push('trap'); return Reflect.ownKeys(t); } });
let lexical = 'a let';
class Point { constructor() { this.x = 1; this.y = 2; } }
var point = new Point();
var map = new Map([['a', { b: [1, 'two'] }]]);
`;

/** Everything the previews below could have changed, as one string. */
const STATE = 'JSON.stringify([x, arr, log, globalThis.hits ?? null, globalThis.fetched ?? null, typeof y, lexical])';

test('a preview answers the value a REPL execution would show', async () => {
  const s = await session();
  await repl(s, SETUP);
  for (const code of ['x + 1', 'arr', 'arr.map((v) => v * 2)', '{ a: 1, s: "q" }', 'lexical', 'point', 'map', 'o.pure', '"str"', '10n',
    'Symbol("s")', 'null', 'undefined', 'Point', 'new Set([1, 2])', 'arr.length;', 'JSON.stringify(arr)', '[1, , 3]', 'new Date(0)']) {
    const { value } = await preview(s, code);
    const executed = await repl(s, code);
    assert.deepEqual(value, executed.result, code);
  }
});

test('a preview never changes the session: side effects, await, getters, traps and long loops answer no value', async () => {
  const s = await session();
  await repl(s, SETUP);
  const before = (await repl(s, STATE)).result?.preview;
  const executions = (await d.call(P.ExecutionsList, { sessionId: s })).executions.length;
  for (const code of ['x++', 'x = 5', 'arr.push(1)', 'await fetchLike()', 'fetchLike()', 'o.counted', 'loud', 'trap',
    'globalThis.y = 1', 'delete globalThis.x', 'log.length = 0', 'lexical = "changed"', 'Math.random()',
    '(() => { while (true) {} })()', '(() => { let n = 0; for (let i = 0; i < 1e10; i++) n += i; return n; })()',
    'var y = 1', 'let y = 1', 'nope', 'throw new Error("x")', 'new Promise(() => {})', 'setTimeout(() => { x = 9 }, 0)']) {
    const started = performance.now();
    const answer = await preview(s, code);
    assert.deepEqual(answer, {}, code);
    assert.ok(performance.now() - started < 1000, `${code}: bounded in time`);
  }
  await new Promise((resolve) => setTimeout(resolve, 20)); // a timer would have fired by now
  assert.equal((await repl(s, STATE)).result?.preview, before);
  assert.equal((await d.call(P.ExecutionsList, { sessionId: s })).executions.length, executions + 1, 'previews record no execution');
  // Nothing is left pending: executions run at once and the state is as it was.
  const next = await repl(s, 'x + 41');
  assert.deepEqual([next.status, next.result?.preview], ['ok', '42']);
  assert.ok(next.metrics.wallMs < 100);
});

test('a preview does not set _, and sees the session as it is', async () => {
  const s = await session();
  await repl(s, '"last value"');
  assert.deepEqual((await preview(s, '_')).value?.preview, 'last value');
  await preview(s, '123');
  assert.equal((await repl(s, '_')).result?.preview, 'last value');
  await repl(s, 'var later = 7');
  assert.equal((await preview(s, 'later * 6')).value?.preview, '42');
});

test('a preview while code runs answers no value at once; bad params and sessions are errors', async () => {
  const s = await session();
  await repl(s, 'var x = 1');
  const slow = 'await new Promise((r) => setTimeout(r, 500)); "done"';
  const running = repl(s, slow);
  await d.running(s, slow);
  const started = performance.now();
  assert.deepEqual(await preview(s, 'x'), {});
  assert.ok(performance.now() - started < 400, 'it did not wait for the execution');
  assert.equal((await running).result?.preview, 'done');
  assert.deepEqual(await preview(s, '   '), {});

  assert.equal((await errorOf(preview('00000000-0000-4000-8000-000000000000', 'x'))).code, 'SESSION_NOT_FOUND');
  assert.equal((await errorOf(d.call(P.SessionsPreview, { sessionId: s } as never))).code, 'VALIDATION_ERROR');
  assert.equal((await errorOf(preview(s, 'x'.repeat(P.PREVIEW_MAX_CODE + 1)))).code, 'VALIDATION_ERROR');
  await d.call(P.SessionsClose, { sessionId: s });
  assert.equal((await errorOf(preview(s, 'x'))).code, 'SESSION_NOT_READY');
});

test('a completion sent while previews are in flight waits for them and answers the names (the REPL\'s Tab)', async () => {
  const s = await session();
  await repl(s, 'var uniqueName = 1');
  const complete = () => d.call(P.SessionsComplete, { sessionId: s, code: 'uniqueN', cursor: 7 });
  const labels = (answer: { items: { label: string }[] }) => answer.items.map((i) => i.label).filter((l) => l.startsWith('uniqueN'));
  // As the terminal REPL sends them when `uniqueN⇥` arrives in one piece: a preview per key, then the completion.
  const previews = ['u', 'un', 'uni', 'uniq', 'uniqu', 'unique', 'uniqueN'].map((code) => preview(s, code));
  assert.deepEqual(labels(await complete()), ['uniqueName']);
  await Promise.all(previews);
  // Behind a preview that runs up to its time limit.
  const long = preview(s, '(() => { while (true) {} })()');
  assert.deepEqual(labels(await complete()), ['uniqueName']);
  assert.deepEqual(await long, {});
  // While code runs it still answers nothing, at once.
  const slow = 'await new Promise((r) => setTimeout(r, 500)); "done"';
  const running = repl(s, slow);
  await d.running(s, slow);
  const started = performance.now();
  assert.deepEqual((await complete()).items, []);
  assert.ok(performance.now() - started < 400, 'it did not wait for the execution');
  assert.equal((await running).result?.preview, 'done');
});

test('closing or restarting a session while a long preview runs leaves its host healthy', async () => {
  for (let round = 0; round < 3; round++) {
    const s = await session();
    const neighbour = await session();
    const long = preview(s, '(() => { while (true) {} })()');
    if (round === 2) await d.call(P.SessionsRestart, { sessionId: s });
    else await d.call(P.SessionsClose, { sessionId: s });
    assert.deepEqual(await long.catch(() => ({})), {});
    if (round === 2) assert.equal((await preview(s, '6 * 7')).value?.preview, '42', 'the restarted runtime previews too');
    assert.equal((await repl(neighbour, '1 + 1')).result?.preview, '2');
    assert.equal((await d.call(P.SessionsGet, { sessionId: neighbour })).status, 'ready');
  }
});
