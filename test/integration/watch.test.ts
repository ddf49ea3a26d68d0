import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

function nextRun(watchId: string): Promise<{ execution: P.Execution; events: P.Event[] }> {
  return new Promise((resolve) => {
    const sub = d.connection.onNotification(P.WatchDidRun.type, (run) => {
      if (run.watchId !== watchId) return;
      sub.dispose();
      resolve(run);
    });
  });
}

test('watch: runs on start, re-runs when the file or an import changes, stops', async () => {
  const { session, worktree } = await openSession(d, { 'dep.mjs': 'export const n = 1;\n' });
  writeFileSync(path.join(worktree, 'main.mjs'), "import { n } from './dep.mjs';\nconsole.log('n =', n);\n");
  const first = new Promise<{ watchId: string; execution: P.Execution; events: P.Event[] }>((resolve) => {
    const sub = d.connection.onNotification(P.WatchDidRun.type, (run) => { sub.dispose(); resolve(run); });
  });
  const { watchId } = await d.call(P.WatchStart, { sessionId: session.id, path: 'main.mjs', debounceMs: 20 });
  const run1 = await first;
  assert.equal(run1.watchId, watchId);
  assert.equal(run1.execution.status, 'ok');
  assert.equal((run1.events.find((e) => e.type === 'console')?.payload as P.ConsolePayload).text, 'n = 1');
  assert.deepEqual((await d.call(P.WatchList, { sessionId: session.id })).watches, [{ watchId, sessionId: session.id, path: 'main.mjs' }]);

  const run2 = nextRun(watchId);
  writeFileSync(path.join(worktree, 'dep.mjs'), 'export const n = 2;\n');
  assert.equal(((await run2).events.find((e) => e.type === 'console')?.payload as P.ConsolePayload).text, 'n = 2');

  assert.deepEqual(await d.call(P.WatchStop, { watchId }), { stopped: true });
  assert.equal((await errorOf(d.call(P.WatchStop, { watchId }))).code, 'WATCH_NOT_FOUND');
  assert.deepEqual((await d.call(P.WatchList, {})).watches.filter((w) => w.watchId === watchId), []);
});

test('watch: a missing or escaping target is refused; the watch ends with its session (watch/didEnd)', async () => {
  const { session } = await openSession(d, { 'w.js': '1' });
  assert.equal((await errorOf(d.call(P.WatchStart, { sessionId: session.id, path: 'nope.js' }))).code, 'FILE_NOT_FOUND');
  assert.equal((await errorOf(d.call(P.WatchStart, { sessionId: session.id, path: '../w.js' }))).code, 'INVALID_PATH');
  const { watchId } = await d.call(P.WatchStart, { sessionId: session.id, path: 'w.js', runOnStart: false });
  const ended = new Promise<string>((resolve) => {
    const sub = d.connection.onNotification(P.WatchDidEnd.type, (end) => { if (end.watchId === watchId) { sub.dispose(); resolve(end.reason); } });
  });
  await d.call(P.SessionsClose, { sessionId: session.id });
  assert.match(await ended, /ended/);
  assert.deepEqual((await d.call(P.WatchList, { sessionId: session.id })).watches, []);
});
