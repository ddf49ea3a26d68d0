/**
 * Limits enforced while code runs (wall, CPU, memory, events, output),
 * cancellation, and sessions running side by side.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closing, fileSession, settings } from './helpers';

const file = fileSession();

function systemMessage(run: { events: Array<{ type: string; payload: unknown }> }): string {
  const last = run.events[run.events.length - 1];
  assert.equal(last.type, 'system');
  return (last.payload as { message: string }).message;
}

describe('time', () => {
  for (const [name, code] of [
    ['a busy loop', 'for (;;) {}'],
    ['a never-settling promise', 'new Promise(() => {})'],
    ['a live interval', 'setInterval(() => {}, 5)'],
    ['a loop catching everything', 'for (;;) { try { for (;;) {} } catch {} }'],
    ['a busy timer callback', 'setTimeout(() => { for (;;) {} }, 1)'],
  ]) {
    test(`wallMs stops ${name}`, async () => {
      await file.s.value('var survivor = "kept"');
      const r = await file.s.run(code, { limits: { wallMs: 200, cpuMs: 5000 } });
      assert.equal(r.outcome.status, 'timeout');
      assert.match(systemMessage(r), /wall time limit of 200 ms/);
      assert.ok(r.outcome.wallMs >= 190 && r.outcome.wallMs < 600, `wallMs ${r.outcome.wallMs}`);
      assert.equal(await file.s.value('survivor'), 'kept');
    });
  }

  test('cpuMs stops a busy loop', async () => {
    const r = await file.s.run('for (;;) {}', { limits: { wallMs: 5000, cpuMs: 150 } });
    assert.equal(r.outcome.status, 'timeout');
    assert.match(systemMessage(r), /CPU time limit of 150 ms/);
    assert.ok(r.outcome.cpuMs >= 140 && r.outcome.cpuMs < 500, `cpuMs ${r.outcome.cpuMs}`);
    assert.equal(await file.s.value('1 + 1'), '2');
  });
});

describe('memory', () => {
  test('exceeding memMb crashes that session only', async () => {
    const victim = await file.rt.session({ settings: settings({ memMb: 16, wallMs: 3000 }) });
    const neighbour = await file.rt.session();
    await neighbour.value('var mine = 1');
    const r = await victim.run('const keep = []; for (;;) keep.push(new Array(1e5).fill(1))', { limits: { wallMs: 3000 } });
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.sessionCrashed!, /Memory limit of 16 MB exceeded/);
    assert.equal(closing(r).type, 'exception');
    assert.equal(await neighbour.value('mine + 1'), '2');
    const again = await victim.run('1');
    assert.equal(again.outcome.status, 'error');
    assert.ok(again.outcome.sessionCrashed);
  });
});

describe('output', () => {
  test('maxEvents counts the input echo and keeps room for the closing event', async () => {
    const r = await file.s.run('for (let i = 0; i < 100; i++) console.log(i)', { limits: { maxEvents: 10 } });
    assert.equal(r.outcome.status, 'limit_exceeded');
    assert.equal(r.outcome.limit, 'maxEvents');
    // 1 (echo, recorded by the core) + 8 console + 1 system = 10
    assert.equal(r.events.length, 9);
    assert.deepEqual(r.logs, ['0', '1', '2', '3', '4', '5', '6', '7']);
    assert.match(systemMessage(r), /maxEvents/);
  });

  test('maxOutputKb stops at once, even in a loop that swallows errors', async () => {
    const r = await file.s.run('for (;;) { try { console.log("x".repeat(300)) } catch {} }', { limits: { maxOutputKb: 1, wallMs: 2000 } });
    assert.equal(r.outcome.status, 'limit_exceeded');
    assert.equal(r.outcome.limit, 'maxOutputKb');
    assert.equal(r.logs.length, 3);
    assert.ok(r.outcome.wallMs < 500);
    assert.equal(await file.s.value('"usable"'), 'usable');
  });
});

describe('cancel', () => {
  test('stops running code within 100 ms and keeps the session state', async () => {
    await file.s.value('var counter = 0');
    let started = 0;
    let request!: { sessionId: string; executionId: string };
    const r = await file.s.run('console.log("running"); for (;;) { counter++ }', {
      limits: { wallMs: 10_000, cpuMs: 10_000 },
      onStart: (req) => { request = req; },
      // The line arrived: the loop is running.
      onEvent: () => { started = performance.now(); file.rt.rt.cancel(request.sessionId, request.executionId); },
    });
    const latency = performance.now() - started;
    assert.equal(r.outcome.status, 'cancelled');
    assert.ok(latency < 100, `cancel took ${latency} ms`);
    assert.equal(closing(r).type, 'system');
    assert.ok(Number(await file.s.value('counter')) > 0);
  });

  test('cancels an execution waiting for timers or a promise', async () => {
    let request!: { sessionId: string; executionId: string };
    const r = await file.s.run('console.log("waiting"); new Promise((r) => setTimeout(r, 5000))', {
      limits: { wallMs: 10_000 },
      onStart: (req) => { request = req; },
      onEvent: () => file.rt.rt.cancel(request.sessionId, request.executionId),
    });
    assert.equal(r.outcome.status, 'cancelled');
    assert.ok(r.outcome.wallMs < 300);
  });

  test('cancel of an unknown or finished execution is a no-op', async () => {
    file.rt.rt.cancel(file.s.id, '00000000-0000-4000-8000-000000000000');
    assert.equal(await file.s.value('2'), '2');
  });
});

describe('parallel sessions', () => {
  test('a 1-second busy loop in one session does not delay another', async () => {
    const busy = await file.rt.session({ settings: settings({ wallMs: 3000, cpuMs: 3000 }) });
    const quick = await file.rt.session();
    let spinning!: () => void;
    const started = new Promise<void>((resolve) => { spinning = resolve; });
    const loop = busy.run('console.log("spinning"); setTimeout(() => { const t = Date.now(); while (Date.now() - t < 1000); }, 1); "done"', { limits: { wallMs: 3000, cpuMs: 3000 }, onEvent: () => spinning() });
    await started;
    const t0 = performance.now();
    assert.equal(await quick.value('1 + 1'), '2');
    assert.ok(performance.now() - t0 < 100, `took ${performance.now() - t0} ms`);
    assert.equal((await loop).outcome.result?.preview, 'done');
  });
});
