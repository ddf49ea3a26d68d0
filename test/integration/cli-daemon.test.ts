/** `vm-system daemon …` and the shared background daemon that client commands start on demand. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { makeWorktree, ROOT } from '../helpers/daemon';
import { cliDb } from '../helpers/cli';
import { processGone, waitUntil } from '../helpers/processes';

test('daemon start | status | stop, and a session made by one command is used by the next', async (t) => {
  const d = cliDb();
  t.after(() => d.stop());
  const none = await d.run(['daemon', 'status']);
  assert.equal(none.code, 3);
  assert.match(none.stderr, /no daemon serves .*cli\.db/);
  assert.equal((await d.run(['daemon', 'stop'])).code, 0, 'stopping no daemon is fine');

  const started = await d.run(['daemon', 'start']);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /^daemon\s+started$/m);
  assert.match(started.stdout, /^pid\s+\d+$/m);
  assert.match(started.stdout, new RegExp(`^socket\\s+${d.db.replace(/[.]/g, '\\.')}\\.sock$`, 'm'));
  assert.match((await d.run(['daemon', 'start'])).stdout, /^daemon\s+already running$/m);

  const health = await d.json<{ status: string; pid: number; dbPath: string; uptimeMs: number }>(['daemon', 'status']);
  assert.equal(health.status, 'ok');
  assert.equal(health.dbPath, d.db);
  const human = await d.run(['daemon', 'status']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, new RegExp(`^pid\\s+${health.pid}$`, 'm'));
  assert.match(human.stdout, /^uptime\s+\d+s$/m);
  assert.match(human.stdout, /^socket\s+\S+\.sock$/m);

  const worktree = makeWorktree();
  const session = await d.json<{ id: string; status: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', worktree]);
  assert.equal(session.status, 'ready');
  assert.equal((await d.run(['exec', 'repl', session.id, 'var x = 41'])).code, 0);
  const next = await d.run(['exec', 'repl', session.id, 'x + 1']);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(next.stdout, '42\n');
  assert.equal((await d.json<{ pid: number }>(['daemon', 'status'])).pid, health.pid, 'every command used the one daemon');

  const stopped = await d.json<{ stopped: boolean; pid: number }>(['daemon', 'stop']);
  assert.deepEqual(stopped, { stopped: true, pid: health.pid });
  assert.equal(processGone(health.pid), true);
  assert.equal(existsSync(`${d.db}.sock`), false);
  assert.equal((await d.run(['daemon', 'status'])).code, 3);
  // The shutdown closed the live session cleanly; the next daemon shows it closed.
  const after2 = await d.json<{ status: string }>(['session', 'get', session.id]);
  assert.equal(after2.status, 'closed');
});

test('client commands start the daemon in the background; it exits by itself once idle', async (t) => {
  const d = cliDb({ VM_SYSTEM_IDLE_MS: '400' });
  t.after(() => d.stop());
  // The first command starts the daemon and learns its pid in the same breath
  // (a second command could come too late: the idle period is short here).
  const { pid, dbPath } = await d.json<{ pid: number; dbPath: string }>(['ops', 'health']);
  assert.equal(dbPath, d.db);
  assert.ok(existsSync(`${d.db}.daemon.log`), 'the background daemon logs beside the database');
  await waitUntil(() => processGone(pid), 15000, 'the idle daemon to exit');
  assert.equal((await d.run(['daemon', 'status'])).code, 3);
});

test('a live session keeps the background daemon alive past the idle period', async (t) => {
  const d = cliDb({ VM_SYSTEM_IDLE_MS: '300' });
  t.after(() => d.stop());
  const session = await d.json<{ id: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', makeWorktree()]);
  const { pid } = await d.json<{ pid: number }>(['daemon', 'status']);
  // Several idle periods pass; the live session holds the daemon.
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(!processGone(pid), 'a daemon with a live session stays');
  assert.equal((await d.run(['session', 'close', session.id])).code, 0);
  await waitUntil(() => processGone(pid), 15000, 'the daemon to exit once the session is closed');
});

test('a first vm-system run starts the background daemon; the next one uses it', async (t) => {
  const d = cliDb();
  t.after(() => d.stop());
  const first = await d.run(['run', 'examples/hello.js'], { cwd: ROOT });
  assert.equal(first.code, 0, first.stderr);
  const { pid } = await d.json<{ pid: number }>(['daemon', 'status']);

  const shared = await d.run(['run', 'examples/hello.js'], { cwd: ROOT });
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(shared.stdout, /Hello, vm-system!/);
  const { sessions } = await d.json<{ sessions: Array<{ status: string; worktreePath: string }> }>(['session', 'list']);
  assert.equal(sessions.length, 2, 'both runs are in the one database');
  assert.ok(sessions.every((s) => s.status === 'closed' && s.worktreePath === ROOT), 'run closes its session');
  assert.equal((await d.json<{ pid: number }>(['daemon', 'status'])).pid, pid, 'the same daemon served both runs and is still there');
});
