/**
 * Regression for isolated-vm quirks that hang or crash a host (see
 * server/runtime/host/terminator.ts): many sessions, four at a time, each
 * stopped, then closed while idle or while busy, cancelled while waiting, or
 * crashed by its memory limit. No host may die, every outcome must be the
 * documented one.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestRuntime, settings, type TestSession } from './helpers';

const rt = new TestRuntime({ sessionsPerHost: 8 });
after(() => rt.close());

async function whenLogged(s: TestSession, code: string): Promise<{ done: Promise<unknown> }> {
  let go!: () => void;
  const started = new Promise<void>((resolve) => { go = resolve; });
  const done = s.run(code, { limits: { wallMs: 5000, cpuMs: 5000 }, onEvent: () => go() });
  await started;
  return { done };
}

test('stop, close, cancel and crash sessions concurrently without losing a host', async () => {
  const problems: string[] = [];
  const expect = (what: string, ok: boolean, detail: unknown) => { if (!ok) problems.push(`${what}: ${JSON.stringify(detail)}`); };
  const worker = async (w: number) => {
    for (let i = 0; i < 15; i++) {
      const s = await rt.session({ settings: settings({ memMb: 16, cpuMs: 5000 }) });
      const stopped = await s.run('for (;;) {}', { limits: { wallMs: 30 } });
      expect('stopped', stopped.outcome.status === 'timeout', stopped.outcome);
      const after = await s.run('1 + 1');
      expect('usable', after.outcome.result?.preview === '2', after.outcome);
      switch ((w + i) % 4) {
        case 0: {
          const r = await s.run('const k = []; for (;;) k.push(new Array(1e5).fill(1))', { limits: { wallMs: 3000 } });
          expect('memory', /Memory limit/.test(r.outcome.sessionCrashed ?? ''), r.outcome);
          break;
        }
        case 1:
          await rt.rt.closeSession(s.id);
          break;
        case 2: {
          const r = await s.run('new Promise((r) => setTimeout(r, 1000))', {
            limits: { wallMs: 5000 }, onStart: (req) => setTimeout(() => rt.rt.cancel(req.sessionId, req.executionId), 20),
          });
          expect('cancel', r.outcome.status === 'cancelled', r.outcome);
          await rt.rt.closeSession(s.id);
          break;
        }
        case 3: {
          const busy = await whenLogged(s, 'console.log("busy"); for (;;) {}');
          await rt.rt.closeSession(s.id);
          const r = (await busy.done) as { outcome: { status: string } };
          expect('close while busy', r.outcome.status === 'cancelled', r.outcome);
          break;
        }
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  assert.deepEqual(problems, []);
  assert.deepEqual(rt.lost, []);
  assert.deepEqual(rt.logLines.filter((l) => /died/.test(l)), []);
});
