import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import * as P from '../../server/protocol';
import { errorOf, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

const repl = (sessionId: string, input: string, queue = false) => d.call(P.ExecutionsRepl, { sessionId, input, queue });
const consoleTexts = (r: P.ExecutionWithEvents) => r.events.filter((e) => e.type === 'console').map((e) => (e.payload as P.ConsolePayload).text);

test('top-level await: the settled value, and declarations kept for the next input', async () => {
  const { session } = await openSession(d);
  const r = await repl(session.id, 'const answer = await new Promise((r) => setTimeout(() => r(42), 20)); answer');
  assert.equal(r.result?.preview, '42');
  assert.equal((await repl(session.id, 'answer + 1')).result?.preview, '43');
  const rejected = await repl(session.id, 'await Promise.reject(new TypeError("nope"))');
  assert.equal(rejected.status, 'error');
  assert.equal(rejected.error?.name, 'TypeError');
  assert.equal((await repl(session.id, 'Promise.resolve("promised")')).result?.preview, 'promised');
});

test('an execution ends when its timers have fired or been cleared', async () => {
  const { session } = await openSession(d);
  const r = await repl(session.id, 'setTimeout(() => console.log("late"), 50); const t = setInterval(() => { console.log("tick"); clearInterval(t) }, 10); "now"');
  assert.deepEqual(consoleTexts(r).sort(), ['late', 'tick']);
  assert.equal(r.result?.preview, 'now');
  const globals = await repl(session.id, '[typeof structuredClone, typeof TextEncoder, typeof TextDecoder, typeof URL, atob(btoa("ok")), typeof queueMicrotask]');
  assert.deepEqual(globals.result?.json, ['function', 'function', 'function', 'function', 'ok', 'function']);
});

test('events stream as they happen, before the answer', async () => {
  const { session } = await openSession(d);
  const arrivals: number[] = [];
  const t0 = Date.now();
  // Through the helper's own listener: a second onNotification for the type would replace it.
  for (const text of ['0', '1', '2']) {
    void d.waitForEvent((n) => n.sessionId === session.id && n.event.type === 'console' && (n.event.payload as P.ConsolePayload).text === text).then(() => arrivals.push(Date.now() - t0));
  }
  const r = await repl(session.id, 'for (let i = 0; i < 3; i++) await new Promise((res) => setTimeout(() => { console.log(i); res() }, 250))');
  const answered = Date.now() - t0;
  assert.deepEqual(consoleTexts(r), ['0', '1', '2']);
  assert.equal(arrivals.length, 3);
  assert.ok(arrivals[0] < answered - 300, `first line pushed at ${arrivals[0]} ms, answer at ${answered} ms`);
  const late = await d.call(P.ExecutionsEvents, { executionId: r.id, afterSeq: 2 });
  assert.deepEqual(late.events.map((e) => e.seq), r.events.slice(2).map((e) => e.seq));
});

test('executions/cancel stops the code; the request answers REQUEST_CANCELLED; state survives', async () => {
  const { session } = await openSession(d);
  await repl(session.id, 'var kept = "still here"');
  const running = repl(session.id, 'while (true) {}');
  const { executionId } = await d.running(session.id, 'while (true) {}');
  const cancelled = await d.call(P.ExecutionsCancel, { executionId });
  assert.equal(cancelled.status, 'cancelled');
  assert.equal((await errorOf(running)).code, 'REQUEST_CANCELLED');
  assert.equal((await d.call(P.SessionsGet, { sessionId: session.id })).status, 'ready');
  assert.equal((await repl(session.id, 'kept')).result?.preview, 'still here');
  assert.equal((await d.call(P.ExecutionsCancel, { executionId })).status, 'cancelled', 'cancelling a finished execution answers it as is');
});

test('queue: true waits its turn, first in first out', async () => {
  const { session } = await openSession(d);
  const slow = 'var order = []; await new Promise((r) => setTimeout(r, 200)); order.push(1); 1';
  const first = repl(session.id, slow);
  await d.running(session.id, slow);
  assert.equal((await errorOf(repl(session.id, 'order.push(9)'))).code, 'SESSION_BUSY');
  const second = repl(session.id, 'order.push(2); 2', true);
  const third = repl(session.id, 'order.push(3); order.join()', true);
  assert.deepEqual([(await first).result?.preview, (await second).result?.preview, (await third).result?.preview], ['1', '2', '1,2,3']);
});

test('a $/cancelRequest of a queued request takes it out of the queue; the others still run', async () => {
  const { session } = await openSession(d);
  const slow = 'var ran = []; await new Promise((r) => setTimeout(r, 300)); ran.push(1); 1';
  const first = repl(session.id, slow);
  await d.running(session.id, slow);
  const source = new CancellationTokenSource();
  const queued = d.connection.sendRequest(P.ExecutionsRepl.type, { sessionId: session.id, input: 'ran.push("cancelled one")', queue: true }, source.token);
  const last = repl(session.id, 'ran.join()', true);
  // One round trip: the daemon has read both requests (they are queued) before the cancel.
  await d.call(P.OpsHealth, {});
  source.cancel();
  assert.equal((await errorOf(queued)).code, 'REQUEST_CANCELLED');
  assert.equal((await first).result?.preview, '1', 'the running execution is not the one cancelled');
  assert.equal((await last).result?.preview, '1', 'the cancelled request never ran');
  const { executions } = await d.call(P.ExecutionsList, { sessionId: session.id, limit: 10 });
  assert.equal(executions.length, 2, 'no execution was recorded for it');
});

test('a busy session does not hold up another one', async () => {
  const busy = await openSession(d, {}, { limits: { wallMs: 5000, cpuMs: 5000 } });
  const other = await openSession(d);
  let spinning = true;
  const spinCode = 'const end = Date.now() + 1500; while (Date.now() < end) {}';
  const spin = repl(busy.session.id, spinCode).finally(() => { spinning = false; });
  await d.running(busy.session.id, spinCode);
  const r = await repl(other.session.id, '1 + 1');
  assert.equal(r.result?.preview, '2');
  assert.ok(spinning, 'answered while the other session was still spinning');
  await spin;
});

test('prompt() asks a client that declared the capability, and is null for others', async () => {
  const asking = await startDaemon({ initParams: { capabilities: { vmSystem: { prompt: true } } } });
  try {
    const asked: string[] = [];
    asking.connection.onRequest(P.ExecutionsPrompt.type, (p) => { asked.push(p.message); return { value: 'Ada' }; });
    const { session } = await openSession(asking);
    const r = await asking.call(P.ExecutionsRepl, { sessionId: session.id, input: '"hello " + prompt("name?")' });
    assert.equal(r.result?.preview, 'hello Ada');
    assert.deepEqual(asked, ['name?']);
  } finally {
    await asking.stop();
  }
  const { session } = await openSession(d);
  assert.equal((await repl(session.id, 'prompt("anyone?")')).result?.type, 'null');
});

test('sessions/restart: a fresh runtime, or the state replayed', async () => {
  const { session } = await openSession(d);
  await repl(session.id, 'var counter = 41');
  await repl(session.id, 'counter++');
  await repl(session.id, 'throw new Error("not replayed")');
  const replayed = await d.call(P.SessionsRestart, { sessionId: session.id, replay: true });
  assert.equal(replayed.status, 'ready');
  assert.equal((await repl(session.id, 'counter')).result?.preview, '42');
  // A second replay re-runs the originals, not the first replay as well.
  await d.call(P.SessionsRestart, { sessionId: session.id, replay: true });
  assert.equal((await repl(session.id, 'counter')).result?.preview, '42');
  const replays = (await d.call(P.ExecutionsList, { sessionId: session.id, limit: 100 })).executions.filter((e) => e.replayOf);
  assert.ok(replays.length >= 4 && replays.every((e) => e.status === 'ok'));
  await d.call(P.SessionsRestart, { sessionId: session.id });
  assert.equal((await repl(session.id, 'typeof counter')).result?.preview, 'undefined');
  await d.call(P.SessionsClose, { sessionId: session.id });
  assert.equal((await d.call(P.SessionsRestart, { sessionId: session.id })).status, 'ready', 'a closed session comes back');
});

test('sessions/complete: globals and properties after a dot', async () => {
  const { session } = await openSession(d);
  await repl(session.id, 'var myCounter = 1; const myConfig = { alpha: 1, beta: 2 }');
  const globals = await d.call(P.SessionsComplete, { sessionId: session.id, code: 'myC', cursor: 3 });
  assert.deepEqual(globals.items.map((i) => i.label).filter((l) => l.startsWith('myC')).sort(), ['myConfig', 'myCounter']);
  const props = await d.call(P.SessionsComplete, { sessionId: session.id, code: 'myConfig.', cursor: 9 });
  assert.deepEqual(props.items.map((i) => i.label).filter((l) => ['alpha', 'beta'].includes(l)).sort(), ['alpha', 'beta']);
  assert.equal((await errorOf(d.call(P.SessionsComplete, { sessionId: session.id, code: 'x', cursor: 5 }))).code, 'VALIDATION_ERROR');
});

test('a $/cancelRequest sent right behind its request still cancels it', async () => {
  const { session } = await openSession(d);
  for (let i = 0; i < 5; i++) {
    const source = new CancellationTokenSource();
    const run = d.connection.sendRequest(P.ExecutionsRepl.type, { sessionId: session.id, input: 'await new Promise((r) => setTimeout(r, 20000))' }, source.token);
    source.cancel();
    assert.equal((await errorOf(run)).code, 'REQUEST_CANCELLED');
  }
  assert.equal((await repl(session.id, '1')).result?.preview, '1');
});
