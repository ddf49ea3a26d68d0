/** Round trips, paging, cascade, recovery, compaction and reopening, against real sql.js and real files. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Event } from '../../server/protocol';
import { openStore } from '../../server/store';
import { HEADER_SIZE } from '../../server/store/journal-format';
import { capability, crashCopy, defer, events, execution, finished, iso, logger, session, startupFile, template, tempDir } from './helpers';

test('templates round-trip with capabilities, startup files, modules and libraries', async (t) => {
  const store = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  defer(t, () => store.close());
  const tpl = template({ name: 'web', modules: ['fs'], libraries: ['lodash'] });
  tpl.capabilities = [capability(tpl.id)];
  tpl.startupFiles = [startupFile(tpl.id, { orderIndex: 5, path: 'b.js' }), startupFile(tpl.id, { orderIndex: 1, path: 'a.js' })];
  store.insertTemplate(tpl);
  const other = template({ name: 'other' });
  store.insertTemplate(other);

  const got = store.getTemplate(tpl.id)!;
  assert.deepEqual(got, { ...tpl, startupFiles: [tpl.startupFiles[1], tpl.startupFiles[0]] }, 'startup files come sorted by orderIndex');
  assert.deepEqual(store.listTemplates(), [
    { id: tpl.id, name: 'web', engine: 'isolated-vm', createdAt: tpl.createdAt, updatedAt: tpl.updatedAt },
    { id: other.id, name: 'other', engine: 'isolated-vm', createdAt: other.createdAt, updatedAt: other.updatedAt },
  ]);
  assert.deepEqual(store.listTemplates('other').map((x) => x.id), [other.id]);
  assert.equal(store.getTemplate('00000000-0000-0000-0000-000000000000'), undefined);

  const settings = { ...tpl.settings, limits: { ...tpl.settings.limits, cpuMs: 42 } };
  const updatedAt = iso();
  store.updateTemplate(tpl.id, { settings, modules: ['fs', 'exec'], updatedAt });
  const updated = store.getTemplate(tpl.id)!;
  assert.equal(updated.settings.limits.cpuMs, 42);
  assert.deepEqual(updated.modules, ['fs', 'exec']);
  assert.deepEqual(updated.libraries, ['lodash'], 'fields absent from the patch are kept');
  assert.equal(updated.updatedAt, updatedAt);

  const cap = capability(tpl.id, { kind: 'env', name: 'HOME', enabled: false, config: {} });
  store.insertCapability(cap);
  const file = startupFile(tpl.id, { orderIndex: 3, path: 'c.js' });
  store.insertStartupFile(file);
  assert.deepEqual(store.getTemplate(tpl.id)!.capabilities, [tpl.capabilities[0], cap]);
  assert.deepEqual(store.getTemplate(tpl.id)!.startupFiles.map((f) => f.path), ['a.js', 'c.js', 'b.js']);
  assert.equal(store.deleteStartupFile(other.id, file.id), false, 'only within its template');
  assert.equal(store.deleteStartupFile(tpl.id, file.id), true);
  assert.equal(store.deleteStartupFile(tpl.id, file.id), false);
});

test('deleting a template cascades to its capabilities and startup files; sessions and executions stay', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath });
  const tpl = template();
  tpl.capabilities = [capability(tpl.id)];
  tpl.startupFiles = [startupFile(tpl.id)];
  store.insertTemplate(tpl);
  const s = session({ templateId: tpl.id });
  store.putSession(s);
  const e = execution(s.id);
  store.putExecution(e);
  assert.equal(store.deleteTemplate(tpl.id), true);
  assert.equal(store.deleteTemplate(tpl.id), false);
  assert.equal(store.getTemplate(tpl.id), undefined);
  // Re-inserting the same child ids succeeds only if the cascade really removed them.
  store.insertTemplate({ ...tpl, id: template().id, capabilities: [{ ...tpl.capabilities[0] }], startupFiles: [{ ...tpl.startupFiles[0] }] });
  assert.deepEqual(store.getSession(s.id), s);
  assert.deepEqual(store.getExecution(e.id), e);
  await store.close();
  const reopened = await openStore({ path: dbPath });
  assert.equal(reopened.getTemplate(tpl.id), undefined);
  assert.deepEqual(reopened.getSession(s.id), s);
  await reopened.close();
});

test('sessions: upsert keeps order, optional fields are absent rather than null, status filter', async (t) => {
  const store = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  defer(t, () => store.close());
  const a = session();
  const b = session({ status: 'crashed', lastError: 'boom' });
  store.putSession(a);
  store.putSession(b);
  const got = store.getSession(a.id)!;
  assert.deepEqual(got, a);
  assert.equal('closedAt' in got, false);
  assert.equal('lastError' in got, false);
  const closed = { ...a, status: 'closed' as const, closedAt: iso() };
  store.putSession(closed);
  assert.deepEqual(store.listSessions().map((s) => s.id), [b.id, a.id], 'newest first, update did not move it');
  assert.deepEqual(store.listSessions('closed'), [closed]);
  assert.deepEqual(store.listSessions('crashed'), [b]);
  assert.deepEqual(store.listSessions('ready'), []);
});

test('executions and events round-trip; optional fields absent', async (t) => {
  const { lines, log } = logger();
  const store = await openStore({ path: path.join(tempDir(t), 'db.sqlite'), log });
  defer(t, () => store.close());
  const s = session();
  store.putSession(s);
  const running = execution(s.id);
  store.putExecution(running);
  const got = store.getExecution(running.id)!;
  assert.deepEqual(got, running);
  for (const key of ['path', 'endedAt', 'result', 'error']) assert.equal(key in got, false, key);

  const full = finished(execution(s.id, { kind: 'run_file', input: undefined, path: 'src/x.ts', args: { n: 1 }, env: { A: 'b' } }), {
    status: 'error',
    error: { name: 'TypeError', message: 'x is not a function', stack: 'TypeError: …', location: { path: 'src/x.ts', line: 3, column: 7 } },
  });
  delete full.input;
  store.putExecution(full);
  assert.deepEqual(store.getExecution(full.id), full);
  assert.equal('input' in store.getExecution(full.id)!, false);

  const evs: Event[] = [
    ...events(running.id, 1, 2),
    { executionId: running.id, seq: 3, ts: iso(), type: 'value' as const, payload: { type: 'object', preview: '{ a: 1 }', json: { a: 1 } } },
    { executionId: running.id, seq: 4, ts: iso(), type: 'exception' as const, payload: { name: 'Error', message: 'm', stack: 's' } },
    { executionId: running.id, seq: 5, ts: iso(), type: 'system' as const, payload: { level: 'warn', message: 'limit' } },
  ];
  store.appendEvents(evs.slice(0, 2));
  store.appendEvents(evs.slice(2));
  store.appendEvents([]);
  assert.deepEqual(store.listEvents({ executionId: running.id, afterSeq: 0, limit: 100 }), evs);
  assert.deepEqual(store.listEvents({ executionId: running.id, afterSeq: 2, limit: 2 }), evs.slice(2, 4));
  assert.deepEqual(store.listEvents({ executionId: full.id, afterSeq: 0, limit: 100 }), []);
  // Event appends are applied after they are journaled (see DEFERRED): a bug shows as a warning, never as a replaced event.
  store.appendEvents([{ ...evs[0], type: 'console', payload: { level: 'log', text: 'replacement' } }]);
  assert.deepEqual(store.listEvents({ executionId: running.id, afterSeq: 0, limit: 100 }), evs, 'a failed write changes nothing');
  assert.match(lines.join('\n'), /events\.append failed and was skipped.*(UNIQUE|constraint)/i);

  const done = finished(running);
  store.putExecution(done);
  assert.deepEqual(store.getExecution(running.id), done);
  assert.deepEqual(store.listSessionHistory(s.id).map((e) => e.id), [running.id, full.id], 'oldest first, update kept its place');
});

/** A fresh store (warnings collected) holding one session: where the per-execution write tests start. */
async function storeWithSession(t: Parameters<typeof tempDir>[0]) {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const { lines, log } = logger();
  const store = await openStore({ path: dbPath, log });
  defer(t, () => store.close());
  const s = session();
  store.putSession(s);
  return { dbPath, store, lines, s };
}

test('startExecution and finishExecution: the start with its first events, then only what the end changes', async (t) => {
  const { dbPath, store, lines, s } = await storeWithSession(t);
  const running = execution(s.id, { args: { n: 1 }, env: { A: 'b' }, replayOf: 'original' });
  const [echo, line] = events(running.id, 1, 2);
  store.startExecution(running, [echo]);
  store.appendEvents([line]);
  // Read at once: the deferred writes are applied before any read.
  assert.deepEqual(store.getExecution(running.id), running);
  assert.deepEqual(store.listEvents({ executionId: running.id, afterSeq: 0, limit: 10 }), [echo, line]);

  const done = finished(running, { status: 'error', result: undefined, error: { name: 'Error', message: 'boom', stack: 's' } });
  delete done.result;
  store.finishExecution(done);
  const bare = execution(s.id);
  store.startExecution(bare, []);
  const broken = execution(s.id);
  const [brokenEcho] = events(broken.id, 1, 1);
  store.startExecution(broken, [brokenEcho, brokenEcho]); // a bug: the same seq twice
  // A crash now: both are in the journal, whether or not sql.js has them yet.
  await store.flush();
  const replayed = logger();
  const reopened = await openStore({ path: crashCopy(t, dbPath), log: replayed.log });
  defer(t, () => reopened.close());
  assert.match(replayed.lines.join('\n'), /failed to replay and was skipped/, 'replay skips it the same way');
  for (const st of [store, reopened]) {
    assert.equal(st.getExecution(broken.id), undefined, 'a start that failed left nothing of itself');
    assert.deepEqual(st.getExecution(running.id), done);
    assert.deepEqual(st.getExecution(bare.id), bare);
    assert.deepEqual(st.listEvents({ executionId: running.id, afterSeq: 0, limit: 10 }), [echo, line]);
    assert.deepEqual(st.listSessionHistory(s.id).map((e) => e.id), [running.id, bare.id]);
  }
  assert.match(lines.join('\n'), /execution\.start failed and was skipped/);
});

test('a batch of interleaved starts, events and finishes reads the same live and after a replay, a failing append included', async (t) => {
  const { dbPath, store, lines, s } = await storeWithSession(t);
  const [a, b, c] = [execution(s.id), execution(s.id), execution(s.id)];
  const [a1, a2, a3] = events(a.id, 1, 3);
  const [b1, b2] = events(b.id, 1, 2);
  const [c1] = events(c.id, 1, 1);
  // One batch (nothing reads in between): a and b start and finish in it, c only starts.
  store.startExecution(a, [a1]);
  store.startExecution(b, [b1]);
  store.appendEvents([a2]);
  store.appendEvents([b2]);
  store.appendEvents([{ ...a2, type: 'console', payload: { level: 'log', text: 'a duplicate seq: a bug' } }]);
  store.startExecution(c, [c1]);
  store.finishExecution(finished(b));
  store.appendEvents([a3]);
  store.finishExecution(finished(a, { status: 'error', result: undefined, error: { name: 'Error', message: 'boom', stack: 's' } }));
  await store.flush();
  const replayed = await openStore({ path: crashCopy(t, dbPath) });
  defer(t, () => replayed.close());
  const expectA = { ...finished(a), status: 'error' as const, error: { name: 'Error', message: 'boom', stack: 's' } };
  delete (expectA as { result?: unknown }).result;
  for (const st of [store, replayed]) {
    const gotA = st.getExecution(a.id)!;
    assert.deepEqual({ ...gotA, endedAt: undefined, metrics: undefined }, { ...expectA, endedAt: undefined, metrics: undefined });
    assert.equal(st.getExecution(b.id)?.status, 'ok');
    assert.equal(st.getExecution(c.id)?.status, 'running');
    assert.deepEqual(st.listEvents({ executionId: a.id, afterSeq: 0, limit: 10 }), [a1, a2, a3], 'the duplicate changed nothing');
    assert.deepEqual(st.listEvents({ executionId: b.id, afterSeq: 0, limit: 10 }), [b1, b2]);
    assert.deepEqual(st.listSessionHistory(s.id).map((e) => e.id), [a.id, b.id, c.id], 'each row has the place its start gave it');
  }
  assert.equal(lines.filter((l) => /events\.append failed and was skipped/.test(l)).length, 1);
});

test('listExecutions pages newest first with a beforeId cursor, even when timestamps tie', async (t) => {
  const store = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  defer(t, () => store.close());
  const s = session();
  const other = session();
  const sameTime = iso();
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    const e = execution(s.id, { startedAt: sameTime });
    ids.push(e.id);
    store.putExecution(e);
    store.putExecution(execution(other.id));
  }
  store.putExecution(finished(store.getExecution(ids[3])!)); // updating must not move it
  const newestFirst = [...ids].reverse();
  const seen: string[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const page = store.listExecutions({ sessionId: s.id, limit: 10, ...(beforeId !== undefined && { beforeId }) });
    if (page.length === 0) break;
    assert.ok(page.length <= 10);
    seen.push(...page.map((e) => e.id));
    beforeId = page[page.length - 1].id;
  }
  assert.deepEqual(seen, newestFirst);
  assert.deepEqual(store.listExecutions({ sessionId: s.id, limit: 3, beforeId: ids[2] }).map((e) => e.id), [ids[1], ids[0]]);
  assert.deepEqual(store.listExecutions({ sessionId: s.id, limit: 3, beforeId: '00000000-0000-0000-0000-000000000000' }), []);
});

test('recoverAfterRestart closes live sessions and interrupts running executions, once', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath });
  const starting = session({ status: 'starting' });
  const ready = session({ status: 'ready' });
  const crashed = session({ status: 'crashed', lastError: 'oom' });
  const closed = session({ status: 'closed', closedAt: iso() });
  for (const s of [starting, ready, crashed, closed]) store.putSession(s);
  const running = execution(ready.id);
  const ok = finished(execution(ready.id));
  store.putExecution(running);
  store.putExecution(ok);
  await store.flush();

  const now = iso();
  assert.deepEqual(store.recoverAfterRestart(now, 'daemon restarted'), { sessions: 2, executions: 1 });
  for (const s of [starting, ready]) assert.deepEqual(store.getSession(s.id), { ...s, status: 'closed', closedAt: now, lastError: 'daemon restarted' });
  assert.deepEqual(store.getSession(crashed.id), crashed);
  assert.deepEqual(store.getSession(closed.id), closed);
  assert.deepEqual(store.getExecution(running.id), { ...running, status: 'interrupted', endedAt: now });
  assert.deepEqual(store.getExecution(ok.id), ok);
  assert.deepEqual(store.recoverAfterRestart(iso(), 'again'), { sessions: 0, executions: 0 });
  await store.flush();
  // Survives a crash (no close): replayed from the journal.
  defer(t, () => store.close());
  const reopened = await openStore({ path: crashCopy(t, dbPath) });
  assert.equal(reopened.getExecution(running.id)!.status, 'interrupted');
  assert.equal(reopened.getSession(ready.id)!.lastError, 'daemon restarted');
  await reopened.close();
});

test('compact deletes old and surplus finished executions with their events, never running ones', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath });
  const s1 = session();
  const s2 = session();
  const day = 86_400_000;
  const now = '2026-06-01T00:00:00.000Z';
  const at = (daysAgo: number) => new Date(Date.parse(now) - daysAgo * day).toISOString();
  const oldRunning = execution(s1.id, { startedAt: at(40) });
  const old = finished(execution(s1.id, { startedAt: at(35) }));
  const recent = [1, 2, 3, 4].map((d) => finished(execution(s1.id, { startedAt: at(5 - d) })));
  const s2Old = finished(execution(s2.id, { startedAt: at(31) }));
  for (const e of [oldRunning, old, ...recent, s2Old]) {
    store.putExecution(e);
    store.appendEvents(events(e.id));
  }
  assert.deepEqual(store.compact({ olderThanDays: 30, now }), { deletedExecutions: 2, deletedEvents: 6 });
  assert.equal(store.getExecution(old.id), undefined);
  assert.equal(store.getExecution(s2Old.id), undefined);
  assert.deepEqual(store.listEvents({ executionId: old.id, afterSeq: 0, limit: 10 }), []);
  assert.ok(store.getExecution(oldRunning.id), 'running is never deleted');

  // keepPerSession: s1 has oldRunning + 4 recent; keep the newest 2 → delete recent[0], recent[1] (oldRunning stays).
  assert.deepEqual(store.compact({ keepPerSession: 2, now }), { deletedExecutions: 2, deletedEvents: 6 });
  assert.deepEqual(store.listSessionHistory(s1.id).map((e) => e.id), [oldRunning.id, recent[2].id, recent[3].id]);
  assert.deepEqual(store.compact({ keepPerSession: 2, olderThanDays: 30, now }), { deletedExecutions: 0, deletedEvents: 0 });
  await store.checkpoint();
  await store.close();
  const reopened = await openStore({ path: dbPath });
  assert.deepEqual(reopened.listSessionHistory(s1.id).map((e) => e.id), [oldRunning.id, recent[2].id, recent[3].id]);
  assert.deepEqual(reopened.listEvents({ executionId: recent[3].id, afterSeq: 0, limit: 10 }).length, 3);
  await reopened.close();
});

test('compact makes the image smaller', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const fs = await import('node:fs');
  const store = await openStore({ path: dbPath });
  const s = session();
  for (let i = 0; i < 2000; i++) {
    const e = finished(execution(s.id, { input: 'x'.repeat(200) }));
    store.putExecution(e);
    store.appendEvents(events(e.id));
  }
  await store.checkpoint();
  const before = fs.statSync(dbPath).size;
  assert.equal(store.compact({ keepPerSession: 10, now: iso() }).deletedExecutions, 1990);
  await store.checkpoint();
  const after = fs.statSync(dbPath).size;
  assert.ok(after < before / 4, `image shrank: ${before} -> ${after}`);
  await store.close();
});

test('everything survives close and reopen; the reopened store writes on', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const first = await openStore({ path: dbPath });
  const tpl = template();
  const s = session({ templateId: tpl.id });
  const e = finished(execution(s.id));
  first.insertTemplate(tpl);
  first.putSession(s);
  first.putExecution(e);
  first.appendEvents(events(e.id));
  await first.close();
  await first.close(); // idempotent
  assert.throws(() => first.getSession(s.id), (err: Error & { code?: string }) => err.code === 'CLOSED');

  const second = await openStore({ path: dbPath });
  assert.deepEqual(second.getTemplate(tpl.id), tpl);
  assert.deepEqual(second.getSession(s.id), s);
  assert.deepEqual(second.getExecution(e.id), e);
  assert.equal(second.listEvents({ executionId: e.id, afterSeq: 0, limit: 10 }).length, 3);
  assert.equal(second.stats().journalBytes, HEADER_SIZE, 'close checkpointed: nothing left to replay');
  const e2 = execution(s.id);
  second.putExecution(e2);
  await second.close();
  const third = await openStore({ path: dbPath });
  assert.deepEqual(third.listExecutions({ sessionId: s.id, limit: 10 }).map((x) => x.id), [e2.id, e.id]);
  await third.close();
});
