/** The retention pass: per-session count, age, a size cap, template rules, bounded passes, replay, and segments handed back. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore, type SqliteStore } from '../../server/store';
import type { RetentionPlan } from '../../server/core/ports';
import type { Event } from '../../server/protocol';
import { crashCopy, defer, execution, finished, session, tempDir } from './helpers';

const DAY = 86_400_000;
const NOW = '2026-06-30T00:00:00.000Z';
const daysAgo = (d: number, ms = 0): string => new Date(Date.parse(NOW) - d * DAY + ms).toISOString();

const plan = (over: Partial<RetentionPlan>): RetentionPlan => ({ now: NOW, keepPerSession: 0, olderThanDays: 0, maxBytes: 0, templates: {}, limit: 1000, ...over });

/** `n` finished executions in a new session, each with `lines` console events of ~`bytes` bytes, started `age(i)` days ago. */
function record(store: SqliteStore, n: number, o: { templateId?: string; lines?: number; bytes?: number; age?: (i: number) => number } = {}): { sessionId: string; ids: string[] } {
  const s = session(o.templateId ? { templateId: o.templateId } : {});
  store.putSession(s);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = execution(s.id, { startedAt: daysAgo(o.age?.(i) ?? 0, i) });
    const evs: Event[] = Array.from({ length: o.lines ?? 3 }, (_, k) => ({ executionId: e.id, seq: k + 1, ts: e.startedAt, type: 'console', payload: { level: 'log', text: 'x'.repeat(o.bytes ?? 10) } }));
    store.startExecution(e, evs.slice(0, 1));
    store.appendEvents(evs.slice(1));
    store.finishExecution(finished(e));
    ids.push(e.id);
  }
  return { sessionId: s.id, ids };
}

const kept = (store: SqliteStore, sessionId: string): string[] => store.listSessionHistory(sessionId).map((e) => e.id);

test('keepPerSession and olderThanDays apply per session; a template rule replaces the default for its sessions; running executions stay', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const store = await openStore({ path: dbPath });
  defer(t, () => store.close());
  const a = record(store, 6);
  const b = record(store, 6, { templateId: '11111111-1111-4111-8111-111111111111' });
  const old = record(store, 4, { age: (i) => 40 - i * 10 }); // 40, 30, 20, 10 days ago
  const running = execution(a.sessionId, { startedAt: daysAgo(100) });
  store.startExecution(running, []);
  const result = store.applyRetention(plan({ keepPerSession: 3, olderThanDays: 25, templates: { '11111111-1111-4111-8111-111111111111': { keepPerSession: 5 } } }));
  assert.deepEqual(kept(store, a.sessionId), [...a.ids.slice(4), running.id], 'the running one counts toward the 3 and stays');
  assert.deepEqual(kept(store, b.sessionId), b.ids.slice(1), 'its template keeps 5');
  assert.deepEqual(kept(store, old.sessionId), old.ids.slice(2), 'older than 25 days go');
  assert.deepEqual(result, { deletedExecutions: 4 + 1 + 2, deletedEvents: 7 * 3, more: false });
  assert.deepEqual(store.applyRetention(plan({ keepPerSession: 3, olderThanDays: 25, templates: { '11111111-1111-4111-8111-111111111111': { keepPerSession: 5 } } })), { deletedExecutions: 0, deletedEvents: 0, more: false });
  // 0 means no limit, for the daemon's rules and a template's.
  assert.equal(store.applyRetention(plan({ templates: { '11111111-1111-4111-8111-111111111111': { keepPerSession: 0 } } })).deletedExecutions, 0);
});

test('a pass stops at its limit and says more is due; the next pass goes on', async (t) => {
  const store = await openStore({ path: path.join(tempDir(t), 'db.sqlite') });
  defer(t, () => store.close());
  const a = record(store, 30);
  assert.deepEqual(store.applyRetention(plan({ keepPerSession: 5, limit: 10 })), { deletedExecutions: 10, deletedEvents: 30, more: true });
  assert.deepEqual(store.applyRetention(plan({ keepPerSession: 5, limit: 10 })), { deletedExecutions: 10, deletedEvents: 30, more: true });
  assert.equal(store.applyRetention(plan({ keepPerSession: 5, limit: 10 })).deletedExecutions, 5);
  assert.deepEqual(kept(store, a.sessionId), a.ids.slice(25));
});

test('maxBytes deletes the oldest executions first until the history fits, and the segments they filled are deleted after the checkpoint', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  const store = await openStore({ path: dbPath, segmentBytes: 64 * 1024 });
  defer(t, () => store.close());
  const a = record(store, 40, { lines: 10, bytes: 2000 }); // ~20 KB each, ~800 KB in all
  const b = record(store, 40, { lines: 10, bytes: 2000 });
  await store.checkpoint();
  const segmentDir = `${dbPath}.events`;
  const before = fs.readdirSync(segmentDir).length;
  const historyBefore = store.historyBytes();
  assert.ok(historyBefore > 1_500_000, `history ${historyBefore}`);
  const cap = 600 * 1024;
  const result = store.applyRetention(plan({ maxBytes: cap }));
  assert.ok(result.deletedExecutions >= 40, `deleted ${result.deletedExecutions}`);
  assert.deepEqual(kept(store, a.sessionId), [], 'the older session went first');
  assert.deepEqual(kept(store, b.sessionId), b.ids.slice(result.deletedExecutions - 40));
  await store.checkpoint();
  assert.ok(store.historyBytes() <= cap, `history ${store.historyBytes()} ≤ ${cap} once the smaller image is written`);
  const after = fs.readdirSync(segmentDir).length;
  assert.ok(after < before / 2, `segment files ${before} → ${after}`);
  for (const id of kept(store, b.sessionId)) assert.equal(store.listEvents({ executionId: id, afterSeq: 0, limit: 100 }).length, 10);

  // Journaled: replaying it after a crash deletes the same rows.
  const c = record(store, 10);
  store.applyRetention(plan({ keepPerSession: 4 }));
  await store.flush();
  const reopened = await openStore({ path: crashCopy(t, dbPath), segmentBytes: 64 * 1024 });
  defer(t, () => reopened.close());
  assert.deepEqual(kept(reopened, c.sessionId), c.ids.slice(6));
  assert.deepEqual(kept(reopened, b.sessionId), kept(store, b.sessionId));
});
