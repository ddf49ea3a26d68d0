import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, makeWorktree, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

const defaultId = async (): Promise<string> => (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;

test('create answers a ready session with workspace defaults', async () => {
  const worktree = makeWorktree();
  const s = await d.call(P.SessionsCreate, { templateId: await defaultId(), worktreePath: worktree });
  assert.equal(s.status, 'ready');
  assert.equal(s.worktreePath, worktree);
  assert.equal(s.workspaceId, path.basename(worktree));
  assert.equal(s.baseCommitOid, '');
  assert.equal('closedAt' in s, false);
  assert.ok(P.Session.safeParse(s).success);
  assert.deepEqual(await d.call(P.SessionsGet, { sessionId: s.id }), s);
  assert.ok((await d.call(P.SessionsList, { status: 'ready' })).sessions.some((x) => x.id === s.id));
});

test('worktree must be an absolute existing directory', async () => {
  const templateId = await defaultId();
  for (const worktreePath of ['relative/dir', '/definitely/not/here', path.join(makeWorktree({ 'f.txt': 'x' }), 'f.txt')]) {
    const { code, error } = await errorOf(d.call(P.SessionsCreate, { templateId, worktreePath }));
    assert.equal(code, 'VALIDATION_ERROR', worktreePath);
    assert.equal(error.data?.details?.field, 'worktreePath');
  }
  assert.equal((await errorOf(d.call(P.SessionsCreate, { templateId: '00000000-0000-4000-8000-000000000000', worktreePath: makeWorktree() }))).code, 'TEMPLATE_NOT_FOUND');
});

test('close is idempotent and ends the runtime', async () => {
  const { session } = await openSession(d);
  const closed = await d.call(P.SessionsClose, { sessionId: session.id });
  assert.equal(closed.status, 'closed');
  assert.ok(closed.closedAt);
  assert.deepEqual(await d.call(P.SessionsClose, { sessionId: session.id }), closed);
  assert.equal((await errorOf(d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1' }))).code, 'SESSION_NOT_READY');
  const summary = await d.call(P.OpsRuntimeSummary, {});
  assert.ok(!summary.activeSessionIds.includes(session.id));
});

test('startup files run in orderIndex order, each recorded as a startup execution', async () => {
  const worktree = makeWorktree({ 'a.js': 'var order = ["a"];', 'b.js': 'order.push("b");', 'c.js': 'order.push("c");' });
  const t = await d.call(P.TemplatesCreate, { name: 'startup' });
  await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: 'c.js', orderIndex: 3 });
  await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: 'a.js', orderIndex: 1 });
  await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: 'b.js', orderIndex: 2 });
  const s = await d.call(P.SessionsCreate, { templateId: t.id, worktreePath: worktree });
  const r = await d.call(P.ExecutionsRepl, { sessionId: s.id, input: 'order.join(",")' });
  assert.equal(r.result?.preview, 'a,b,c');
  const { executions } = await d.call(P.ExecutionsList, { sessionId: s.id });
  assert.deepEqual(executions.map((e) => [e.kind, e.path ?? e.input]), [['repl', 'order.join(",")'], ['startup', 'c.js'], ['startup', 'b.js'], ['startup', 'a.js']]);
});

test('a failing startup persists a crashed session and nothing stays alive', async () => {
  const worktree = makeWorktree({ 'boot.js': 'throw new TypeError("bad boot")' });
  const t = await d.call(P.TemplatesCreate, { name: 'bad-boot' });
  await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: 'boot.js' });
  const { code, error } = await errorOf(d.call(P.SessionsCreate, { templateId: t.id, worktreePath: worktree }));
  assert.equal(code, 'STARTUP_FAILED');
  const sessionId = error.data?.details?.sessionId as string;
  const s = await d.call(P.SessionsGet, { sessionId });
  assert.equal(s.status, 'crashed');
  assert.match(s.lastError ?? '', /bad boot/);
  assert.ok(!(await d.call(P.OpsRuntimeSummary, {})).activeSessionIds.includes(sessionId));
});

test('startup path problems answer their specific codes', async () => {
  const outside = makeWorktree({ 'secret.js': 'var leaked = 1' });
  const worktree = makeWorktree();
  symlinkSync(path.join(outside, 'secret.js'), path.join(worktree, 'link.js'));
  const cases: Array<[string, P.ErrorCode]> = [['missing.js', 'FILE_NOT_FOUND'], ['link.js', 'INVALID_PATH']];
  for (const [file, expected] of cases) {
    const t = await d.call(P.TemplatesCreate, { name: `sp-${file}` });
    await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: file });
    const { code, error } = await errorOf(d.call(P.SessionsCreate, { templateId: t.id, worktreePath: worktree }));
    assert.equal(code, expected, file);
    const s = await d.call(P.SessionsGet, { sessionId: error.data?.details?.sessionId as string });
    assert.equal(s.status, 'crashed');
  }
});

test('runtime summary counts live sessions', async () => {
  const { session } = await openSession(d);
  const summary = await d.call(P.OpsRuntimeSummary, {});
  assert.ok(summary.activeSessionIds.includes(session.id));
  assert.equal(summary.activeSessions, summary.activeSessionIds.length);
  assert.ok(summary.hosts.length >= 1 && summary.hosts.every((h) => h.pid > 0));
  assert.ok(summary.rssMb > 0);
});

test('sessions left ready by a killed daemon are closed on the next start', async () => {
  const d2 = await startDaemon();
  const { session } = await openSession(d2);
  await d2.kill('SIGKILL');
  const d3 = await startDaemon({ dbPath: d2.dbPath });
  try {
    const s = await d3.call(P.SessionsGet, { sessionId: session.id });
    assert.equal(s.status, 'closed');
    assert.match(s.lastError ?? '', /restart/);
  } finally {
    await d3.stop();
  }
});
