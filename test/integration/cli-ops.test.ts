/** `vm-system ops …` and `vm-system libs …`. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeWorktree } from '../helpers/daemon';
import { cliDb, type CliDb } from '../helpers/cli';
import { isAdvisoryFixed } from '../../server/runtime/engine';

let d: CliDb;
before(() => { d = cliDb(); });
after(() => d.stop());

test('ops health', async () => {
  const health = await d.json<{ status: string; pid: number; dbPath: string; version: string; runtime: { node: string; isolatedVm: string; platform: string } }>(['ops', 'health']);
  assert.equal(health.status, 'ok');
  assert.equal(health.dbPath, d.db);
  // the daemon runs on this test's Node; its hosts load the engine for it
  assert.deepEqual(health.runtime, { node: process.version, isolatedVm: health.runtime.isolatedVm, platform: `${process.platform}-${process.arch}` });
  // Node 22/24: the engine with the advisory fixed; Node 20: 5.0.4, the last release for it
  assert.equal(isAdvisoryFixed(health.runtime.isolatedVm), Number.parseInt(process.versions.node, 10) >= 22, health.runtime.isolatedVm);
  const human = await d.run(['ops', 'health']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^status\s+ok\nversion\s+\S+\npid\s+\d+\ndatabase\s+\S+cli\.db\nuptime\s+\d+s\nnode\s+v\d+\S+\nisolated-vm\s+\d\S+\nplatform\s+\S+-\S+\n$/);
});

test('ops runtime-summary counts live sessions', async () => {
  const s = await d.json<{ id: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', makeWorktree()]);
  const summary = await d.json<{ activeSessions: number; activeSessionIds: string[]; runningExecutions: number; rssMb: number }>(['ops', 'runtime-summary']);
  assert.ok(summary.activeSessionIds.includes(s.id));
  assert.equal(summary.runningExecutions, 0);
  const human = await d.run(['ops', 'runtime-summary']);
  assert.match(human.stdout, new RegExp(`^active sessions\\s+${summary.activeSessions}$`, 'm'));
  assert.match(human.stdout, /^rss\s+[\d.]+ MB$/m);
  await d.run(['session', 'close', s.id]);
});

test('ops compact drops old history', async () => {
  const s = await d.json<{ id: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', makeWorktree()]);
  for (let i = 0; i < 3; i++) assert.equal((await d.run(['exec', 'repl', s.id, String(i)])).code, 0);
  const result = await d.json<{ deletedExecutions: number; deletedEvents: number }>(['ops', 'compact', '--keep-per-session', '1']);
  assert.ok(result.deletedExecutions >= 2, JSON.stringify(result));
  assert.equal((await d.json<{ executions: unknown[] }>(['exec', 'list', s.id])).executions.length, 1);
  const human = await d.run(['ops', 'compact', '--older-than-days', '30']);
  assert.match(human.stdout, /^deleted executions\s+\d+\ndeleted events\s+\d+\n$/);
  assert.equal((await d.run(['ops', 'compact', '--keep-per-session', '-1'])).code, 2);
  await d.run(['session', 'close', s.id]);
});

test('ops retention shows the policy, and a template rule set with template set-retention', async () => {
  const r = await d.json<{ policy: { keepPerSession: number; olderThanDays: number; maxMb: number }; templates: unknown[]; historyMb: number }>(['ops', 'retention']);
  assert.deepEqual(r.policy, { keepPerSession: 1000, olderThanDays: 30, maxMb: 2048 });
  const t = await d.json<{ id: string }>(['template', 'create', '--name', 'short-memory']);
  const set = await d.run(['template', 'set-retention', t.id, '--keep-per-session', '10']);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /^keepPerSession\s+10$/m);
  const human = await d.run(['ops', 'retention']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^keep per session\s+1000 executions\nolder than\s+30 days\nhistory at most\s+2048 MB\nhistory now\s+[\d.]+ MB\nlast run\s+(not yet|.*deleted)\n/);
  assert.match(human.stdout, /^short-memory\s+10 executions\s+\(daemon\)$/m);
});

test('libs list and install', async () => {
  const { libraries } = await d.json<{ libraries: Array<{ name: string; cached: boolean; templates: string[] }> }>(['libs', 'list']);
  assert.ok(libraries.some((l) => l.name === 'lodash'));
  assert.match((await d.run(['libs', 'list'])).stdout, /^lodash\s+\S+\s+_\s+(yes|no)\s+/m);
  // A name that is no package spec fails before anything is fetched; the CLI names the error code.
  const unknown = await d.run(['libs', 'install', 'Not A Package!']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^vm-system: LIBRARY_NOT_FOUND: /);
});
