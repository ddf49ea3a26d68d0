/**
 * Retention through the daemon: the policy given to `serve --retention`, a
 * template's own rule for its sessions, the background pass, and
 * ops/retention (also as `vm-system ops retention`).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, makeWorktree, startDaemon, type TestDaemon } from '../helpers/daemon';
import { runCli } from '../helpers/cli';
import { spawnSync } from 'node:child_process';
import { DAEMON } from '../helpers/daemon';
import { waitUntil } from '../helpers/processes';

let d: TestDaemon;
before(async () => { d = await startDaemon({ extraArgs: ['--retention', 'keepPerSession=3,olderThanDays=0'] }); });
after(() => d.stop());

test('the background pass keeps the daemon\'s N per session, and a template\'s own N for its sessions', { timeout: 60_000 }, async () => {
  const before = await d.call(P.OpsRetention, {});
  assert.deepEqual(before.policy, { keepPerSession: 3, olderThanDays: 0, maxMb: P.DEFAULT_RETENTION.maxMb }, 'the flag sets what it names; the rest are defaults');
  assert.deepEqual(before.templates, []);
  assert.ok(before.nextRunAt && Date.parse(before.nextRunAt) > Date.now() - 1000, 'a pass is scheduled');
  assert.equal(typeof before.historyMb, 'number');

  const own = await d.call(P.TemplatesCreate, { name: 'keeps-five' });
  const settings = await d.call(P.TemplatesUpdateSettings, { templateId: own.id, retention: { keepPerSession: 5 } });
  assert.deepEqual(settings.retention, { keepPerSession: 5 });
  assert.deepEqual((await d.call(P.TemplatesUpdateSettings, { templateId: own.id, limits: { cpuMs: 4000 } })).retention, { keepPerSession: 5 }, 'other changes keep it');
  const defaultId = (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;
  assert.equal((await d.call(P.TemplatesGet, { templateId: defaultId })).settings.retention, undefined, 'templates have no rule of their own by default');

  const plain = await d.call(P.SessionsCreate, { templateId: defaultId, worktreePath: makeWorktree() });
  const five = await d.call(P.SessionsCreate, { templateId: own.id, worktreePath: makeWorktree() });
  const ids = { plain: [] as string[], five: [] as string[] };
  const answered: P.ExecutionWithEvents[] = [];
  for (let i = 0; i < 7; i++) {
    answered.push(await d.call(P.ExecutionsRepl, { sessionId: plain.id, input: `console.log(${i}); ${i}` }));
    ids.plain.push(answered[i].id);
    ids.five.push((await d.call(P.ExecutionsRepl, { sessionId: five.id, input: `console.log(${i}); ${i}` })).id);
  }
  let status: P.ResultOf<typeof P.OpsRetention> | undefined;
  await waitUntil(async () => (status = await d.call(P.OpsRetention, {})).lastRun !== undefined, 20_000, 'the first retention pass');
  assert.ok(status);
  assert.equal(status.lastRun!.deletedExecutions, 4 + 2);
  assert.deepEqual(status.templates, [{ templateId: own.id, name: 'keeps-five', retention: { keepPerSession: 5 } }]);
  const listed = async (sessionId: string): Promise<string[]> => (await d.call(P.ExecutionsList, { sessionId, limit: 100 })).executions.map((e) => e.id).reverse();
  assert.deepEqual(await listed(plain.id), ids.plain.slice(4));
  assert.deepEqual(await listed(five.id), ids.five.slice(2));
  // The oldest execution kept still has its events.
  assert.deepEqual((await d.call(P.ExecutionsEvents, { executionId: ids.plain[4] })).events, answered[4].events);
});

test('a template retention is validated like every setting', async () => {
  const t = await d.call(P.TemplatesCreate, { name: 'bad-retention' });
  for (const retention of [{ keepPerSession: -1 }, { olderThanDays: 1.5 }, { maxMb: 10 }]) {
    const { code } = await errorOf(d.call(P.TemplatesUpdateSettings, { templateId: t.id, retention } as never));
    assert.equal(code, 'VALIDATION_ERROR', JSON.stringify(retention));
  }
});

test('a bad --retention is refused at start', async () => {
  const daemon = spawnSync(process.execPath, [DAEMON, 'serve', '--stdio', '--retention', 'keepPerSession=abc'], { encoding: 'utf8', input: '' });
  assert.equal(daemon.status, 2, daemon.stderr);
  assert.match(daemon.stderr, /--retention: expected keepPerSession=N,olderThanDays=N,maxMb=N \(any of them\), got "keepPerSession=abc"/);
  const cli = await runCli(['serve', '--stdio', '--retention', 'days=3']);
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /--retention/);
});
