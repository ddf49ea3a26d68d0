import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, Execution } from '../../server/protocol';
import { ExecutionHub, type Run, type RunMeta } from '../../extension/execution-hub';

const S = '00000000-0000-4000-8000-00000000000a';
const E1 = '00000000-0000-4000-8000-000000000001';
const E2 = '00000000-0000-4000-8000-000000000002';
const meta = (over: Partial<RunMeta> = {}): RunMeta => ({ sessionId: S, folder: 'file:///ws', kind: 'run_file', origin: 'command', title: 'main.js', ...over });
const ev = (executionId: string, seq: number): Event => ({ executionId, seq, ts: '', type: 'console', payload: { level: 'log', text: `#${seq}` } });
const exec = (id: string, status: Execution['status'] = 'ok'): Execution => ({
  id, sessionId: S, kind: 'run_file', args: {}, env: {}, status, startedAt: '', metrics: { wallMs: 1, cpuMs: 1, events: 0, outputBytes: 0 },
});

function recorder() {
  const log: string[] = [];
  return {
    log,
    sink: {
      begin: (r: Run) => log.push(`begin ${r.meta.title}`),
      event: (r: Run, e: Event) => log.push(`event ${r.meta.title} ${e.seq}`),
      end: (r: Run) => log.push(`end ${r.meta.title} ${r.execution?.status ?? 'error'}`),
    },
  };
}

test('live events bind to the open run; the answer fills gaps without duplicates', () => {
  const hub = new ExecutionHub();
  const r = recorder();
  hub.addSink(r.sink);
  const run = hub.begin(meta());
  assert.ok(hub.isRunning(S));
  hub.onLiveEvent({ sessionId: S, executionId: E1, event: ev(E1, 1) });
  hub.onLiveEvent({ sessionId: S, executionId: E1, event: ev(E1, 2) });
  hub.finish(run, { ...exec(E1), events: [ev(E1, 1), ev(E1, 2), ev(E1, 3)] });
  assert.deepEqual(r.log, ['begin main.js', 'event main.js 1', 'event main.js 2', 'event main.js 3', 'end main.js ok']);
  assert.equal(run.executionId, E1);
  assert.equal(hub.isRunning(S), false);
  assert.equal(run.events.length, 3);
});

test('unknown executions are adopted (watch runs) or ignored', () => {
  let adopt = false;
  const hub = new ExecutionHub(() => (adopt ? meta({ origin: 'watch', title: 'w.js' }) : undefined));
  const r = recorder();
  hub.addSink(r.sink);
  hub.onLiveEvent({ sessionId: S, executionId: E1, event: ev(E1, 1) });
  assert.deepEqual(r.log, []);
  adopt = true;
  hub.onLiveEvent({ sessionId: S, executionId: E2, event: ev(E2, 1) });
  hub.watchRun(exec(E2), [ev(E2, 1), ev(E2, 2)], meta({ origin: 'watch', title: 'w.js' }));
  assert.deepEqual(r.log, ['begin w.js', 'event w.js 1', 'event w.js 2', 'end w.js ok']);
});

test('a watch run that did not stream arrives whole; failures end runs once', () => {
  const hub = new ExecutionHub();
  const r = recorder();
  hub.addSink(r.sink);
  hub.watchRun(exec(E1), [ev(E1, 1)], meta({ origin: 'watch', title: 'w.js' }));
  const a = hub.begin(meta({ title: 'a.js' }));
  hub.begin(meta({ title: 'b.js' }));
  hub.fail(a, new Error('x'));
  hub.fail(a, new Error('again'));
  hub.failAll(new Error('daemon gone'));
  assert.deepEqual(r.log, ['begin w.js', 'event w.js 1', 'end w.js ok', 'begin a.js', 'begin b.js', 'end a.js error', 'end b.js error']);
  assert.equal(hub.isRunning(S), false);
});

test('a failing sink does not stop the others', () => {
  const hub = new ExecutionHub();
  const r = recorder();
  hub.addSink({ begin: () => { throw new Error('broken view'); } });
  hub.addSink(r.sink);
  const original = console.error;
  console.error = () => {};
  try {
    hub.begin(meta());
  } finally {
    console.error = original;
  }
  assert.deepEqual(r.log, ['begin main.js']);
});
