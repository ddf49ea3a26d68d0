/**
 * Every change to the database, as a logical operation. The same function
 * applies an operation live and when the journal is replayed at startup, so
 * the journal records the operation and its arguments, not SQL: replay is
 * then exactly the code path that ran live, and it is deterministic because
 * every input (including `now`) is in the arguments.
 */
import type { CompactOptions, InstalledLibrary, RetentionPlan, RetentionResult } from '../core/ports';
import type { Capability, Event, Execution, Session, Settings, StartupFile, TemplateDetail } from '../protocol';
import type { Connection } from './connection';
import type { Segments } from './segments';
import { EXECUTION_COLUMNS, capabilityParams, eventValues, executionEndParams, executionParams, sessionParams, startupFileParams, templateParams } from './rows';

export interface TemplatePatch { settings?: Settings; modules?: string[]; libraries?: string[]; updatedAt: string }

/** What an execution's end changes: the rest of the row was written when it started. */
export type ExecutionEnd = Pick<Execution, 'status' | 'endedAt' | 'result' | 'error' | 'metrics'>;

/** A journaled operation: `[name, ...arguments]`, JSON-serialisable. */
export type Op =
  | ['template.insert', TemplateDetail]
  | ['template.delete', string]
  | ['template.update', string, TemplatePatch]
  | ['capability.insert', Capability]
  | ['startupFile.insert', StartupFile]
  | ['startupFile.delete', string, string]
  | ['session.put', Session]
  | ['execution.put', Execution]
  | ['execution.start', Execution, Event[]]
  | ['execution.finish', string, ExecutionEnd]
  | ['events.append', Event[]]
  | ['library.put', InstalledLibrary]
  | ['recover', string, string]
  | ['compact', CompactOptions]
  | ['retention', RetentionPlan, number];

export interface RecoverResult { sessions: number; executions: number }
export interface CompactResult { deletedExecutions: number; deletedEvents: number }

/** `changed: false` means the operation was a no-op and need not be journaled. */
export interface OpResult { changed: boolean; value?: unknown }

const CHANGED: OpResult = { changed: true };

/**
 * `s` receives the events of executions that end (see seal()): applying an
 * operation may append to a segment, and replaying it appends the same again.
 */
export function applyOp(c: Connection, op: Op, s: Segments): OpResult {
  switch (op[0]) {
    case 'template.insert': return c.tx(() => insertTemplate(c, op[1]));
    case 'template.delete': return c.tx(() => deleteTemplate(c, op[1]));
    case 'template.update': return updateTemplate(c, op[1], op[2]);
    case 'capability.insert': c.run(INSERT_CAPABILITY, capabilityParams(op[1])); return CHANGED;
    case 'startupFile.insert': c.run(INSERT_STARTUP_FILE, startupFileParams(op[1])); return CHANGED;
    case 'startupFile.delete': return { changed: c.run('DELETE FROM startup_files WHERE id = ? AND template_id = ?', [op[2], op[1]]) > 0 };
    case 'session.put': c.run(PUT_SESSION, sessionParams(op[1])); return CHANGED;
    case 'execution.put': return putExecution(c, s, op[1]);
    case 'execution.start': return startExecution(c, s, op[1], op[2]);
    case 'execution.finish': return finishExecution(c, s, op[1], op[2]);
    case 'events.append': return appendEvents(c, s, op[1]);
    case 'library.put': c.run(PUT_LIBRARY, libraryParams(op[1])); return CHANGED;
    case 'recover': return c.tx(() => recover(c, s, op[1], op[2]));
    case 'compact': return c.tx(() => compact(c, op[1]));
    case 'retention': return c.tx(() => retention(c, op[1], op[2]));
    default: {
      const unknown: never = op;
      throw new Error(`store: unknown operation ${JSON.stringify((unknown as unknown[])[0])}`);
    }
  }
}

const INSERT_TEMPLATE = 'INSERT INTO templates (id, name, engine, created_at, updated_at, settings_json, modules_json, libraries_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_CAPABILITY = 'INSERT INTO capabilities (id, template_id, kind, name, enabled, config_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
const INSERT_STARTUP_FILE = 'INSERT INTO startup_files (id, template_id, path, order_index, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)';

/** Upserts keep `ord`, so a session or execution keeps its place in "newest first" when it is updated (INSERT OR REPLACE would move it). */
const PUT_SESSION = `INSERT INTO sessions (id, template_id, workspace_id, base_commit_oid, worktree_path, status, created_at, closed_at, last_error)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET template_id = excluded.template_id, workspace_id = excluded.workspace_id,
    base_commit_oid = excluded.base_commit_oid, worktree_path = excluded.worktree_path, status = excluded.status,
    created_at = excluded.created_at, closed_at = excluded.closed_at, last_error = excluded.last_error`;

const PUT_EXECUTION = `INSERT INTO executions (${EXECUTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, kind = excluded.kind, input = excluded.input,
    path = excluded.path, args_json = excluded.args_json, env_json = excluded.env_json, status = excluded.status,
    started_at = excluded.started_at, ended_at = excluded.ended_at, result_json = excluded.result_json,
    error_json = excluded.error_json, metrics_json = excluded.metrics_json, replay_of = excluded.replay_of`;

/** One row per spec a template names (`yup@1.4.0`): reinstalling replaces the tree it loads. */
const PUT_LIBRARY = `INSERT INTO libraries (spec, name, version, integrity, path, size_kb, tree_json, installed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (spec) DO UPDATE SET name = excluded.name, version = excluded.version, integrity = excluded.integrity,
    path = excluded.path, size_kb = excluded.size_kb, tree_json = excluded.tree_json, installed_at = excluded.installed_at`;

function libraryParams(l: InstalledLibrary): Array<string | number> {
  return [l.spec, l.name, l.version, l.integrity, l.path, l.sizeKb, JSON.stringify(l.tree), l.installedAt];
}

const INSERT_EXECUTION = `INSERT INTO executions (${EXECUTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_EVENT_OF_LAST_EXECUTION = 'INSERT INTO events (exec_ord, seq, ts, type, payload_json) VALUES (last_insert_rowid(), ?, ?, ?, ?)';
const FINISH_EXECUTION = 'UPDATE executions SET status = ?, ended_at = ?, result_json = ?, error_json = ?, metrics_json = ? WHERE id = ?';

function insertTemplate(c: Connection, t: TemplateDetail): OpResult {
  c.run(INSERT_TEMPLATE, templateParams(t));
  for (const cap of t.capabilities) c.run(INSERT_CAPABILITY, capabilityParams(cap));
  for (const file of t.startupFiles) c.run(INSERT_STARTUP_FILE, startupFileParams(file));
  return CHANGED;
}

/** Cascades to what belongs to the template only; its sessions and their history stay. */
function deleteTemplate(c: Connection, id: string): OpResult {
  const deleted = c.run('DELETE FROM templates WHERE id = ?', [id]);
  c.run('DELETE FROM capabilities WHERE template_id = ?', [id]);
  c.run('DELETE FROM startup_files WHERE template_id = ?', [id]);
  return { changed: deleted > 0, value: deleted > 0 };
}

function updateTemplate(c: Connection, id: string, p: TemplatePatch): OpResult {
  const changed = c.run(
    `UPDATE templates SET settings_json = coalesce(?, settings_json), modules_json = coalesce(?, modules_json),
       libraries_json = coalesce(?, libraries_json), updated_at = ? WHERE id = ?`,
    [
      p.settings === undefined ? null : JSON.stringify(p.settings),
      p.modules === undefined ? null : JSON.stringify(p.modules),
      p.libraries === undefined ? null : JSON.stringify(p.libraries),
      p.updatedAt, id,
    ],
  );
  return { changed: changed > 0 };
}

/**
 * A new execution and its first events. Two statements without a savepoint
 * (it would cost half as much again): the events of a new ord cannot collide
 * with anything, so the second fails only on a bug, and then the row goes too.
 */
function startExecution(c: Connection, s: Segments, e: Execution, events: Event[]): OpResult {
  c.run(INSERT_EXECUTION, executionParams(e));
  try {
    // Inserts into the WITHOUT ROWID events table leave last_insert_rowid() at the execution's ord.
    for (const event of events) c.run(INSERT_EVENT_OF_LAST_EXECUTION, eventValues(event));
    if (e.status !== 'running' && events.length > 0) sealById(c, s, e.id);
  } catch (err) {
    c.run('DELETE FROM events WHERE exec_ord = (SELECT ord FROM executions WHERE id = ?)', [e.id]);
    c.run('DELETE FROM executions WHERE id = ?', [e.id]);
    throw err;
  }
  return CHANGED;
}

/*
 * Sealing comes before the row's own update, and its first write is the only
 * one that can fail (on a bug): either operation then changes nothing or
 * everything, without a savepoint (this runs once per execution, at replay too).
 */
function putExecution(c: Connection, s: Segments, e: Execution): OpResult {
  if (e.status !== 'running') sealById(c, s, e.id);
  c.run(PUT_EXECUTION, executionParams(e));
  return CHANGED;
}

function finishExecution(c: Connection, s: Segments, id: string, end: ExecutionEnd): OpResult {
  if (end.status !== 'running') sealById(c, s, id);
  if (c.run(FINISH_EXECUTION, executionEndParams(id, end)) === 0) throw new Error(`store: finish of unknown execution ${id} (startExecution comes first)`);
  return CHANGED;
}

/**
 * The hot path (one console line of a running execution) is one lookup and
 * one INSERT, atomic by itself; events for an execution that has ended go
 * straight to a segment (in a savepoint, with a check against what is sealed).
 */
function appendEvents(c: Connection, s: Segments, events: Event[]): OpResult {
  if (events.length === 0) return { changed: false };
  if (events.length === 1) {
    const target = lookup(c, events[0]);
    if (target.running) {
      c.run(INSERT_EVENT, [target.ord, ...eventValues(events[0])]);
      return CHANGED;
    }
  }
  return c.tx(() => {
    const ended = new Map<number, string>();
    for (const e of events) {
      const target = lookup(c, e);
      if (!target.running) {
        if (c.get('SELECT 1 FROM event_chunks WHERE exec_ord = ? AND first_seq <= ? AND last_seq >= ?', [target.ord, e.seq, e.seq])) {
          throw new Error(`store: event ${e.seq} of execution ${e.executionId} is already recorded`);
        }
        ended.set(target.ord, e.executionId);
      }
      c.run(INSERT_EVENT, [target.ord, ...eventValues(e)]);
    }
    for (const [ord, id] of ended) seal(c, s, ord, id);
    return CHANGED;
  });
}

const INSERT_EVENT = 'INSERT INTO events (exec_ord, seq, ts, type, payload_json) VALUES (?, ?, ?, ?, ?)';

function lookup(c: Connection, e: Event): { ord: number; running: boolean } {
  const row = c.get('SELECT ord, status FROM executions WHERE id = ?', [e.executionId]);
  if (!row) throw new Error(`store: event ${e.seq} of unknown execution ${e.executionId} (its execution is written first)`);
  return { ord: row[0] as number, running: row[1] === 'running' };
}

function sealById(c: Connection, s: Segments, id: string): void {
  const row = c.get('SELECT ord FROM executions WHERE id = ?', [id]);
  if (row) seal(c, s, row[0] as number, id);
}

/**
 * Moves the events sql.js holds for an execution that has ended into one
 * segment record, and keeps only its reference: memory then holds a row per
 * execution, not its output. The payloads are copied as the JSON text they
 * were stored as, so nothing is parsed here.
 */
export function seal(c: Connection, s: Segments, ord: number, executionId: string): void {
  const rows = c.all('SELECT seq, ts, type, payload_json FROM events WHERE exec_ord = ? ORDER BY seq', [ord]);
  if (rows.length === 0) return;
  const parts = rows.map((r) => `[${r[0] as number},${JSON.stringify(r[1])},${JSON.stringify(r[2])},${r[3] as string}]`);
  const ref = s.append(Buffer.from(`{"e":${JSON.stringify(executionId)},"v":[${parts.join(',')}]}`));
  c.run('INSERT INTO event_chunks (exec_ord, first_seq, last_seq, count, segment, offset, length) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [ord, rows[0][0], rows[rows.length - 1][0], rows.length, ref.segment, ref.offset, ref.length]);
  c.run('INSERT INTO segments (id, chunks, bytes) VALUES (?, 1, ?) ON CONFLICT (id) DO UPDATE SET chunks = chunks + 1, bytes = bytes + excluded.bytes',
    [ref.segment, ref.length]);
  c.run('DELETE FROM events WHERE exec_ord = ?', [ord]);
}

/** Deletes an execution's events, inline and sealed; answers how many. Segments left without chunks go at the next checkpoint. */
function deleteEvents(c: Connection, ord: number): number {
  let deleted = c.run('DELETE FROM events WHERE exec_ord = ?', [ord]);
  for (const [segment, count, length] of c.all('SELECT segment, count, length FROM event_chunks WHERE exec_ord = ?', [ord])) {
    c.run('UPDATE segments SET chunks = chunks - 1, bytes = bytes - ? WHERE id = ?', [length, segment]);
    deleted += count as number;
  }
  c.run('DELETE FROM event_chunks WHERE exec_ord = ?', [ord]);
  return deleted;
}

function recover(c: Connection, s: Segments, now: string, reason: string): OpResult {
  const sessions = c.run(
    "UPDATE sessions SET status = 'closed', closed_at = ?, last_error = ? WHERE status IN ('starting', 'ready')",
    [now, reason],
  );
  const running = c.all("SELECT ord, id FROM executions WHERE status = 'running'");
  const executions = c.run("UPDATE executions SET status = 'interrupted', ended_at = ? WHERE status = 'running'", [now]);
  for (const [ord, id] of running) seal(c, s, ord as number, id as string);
  const value: RecoverResult = { sessions, executions };
  return { changed: sessions + executions > 0, value };
}

const DAY_MS = 86_400_000;

/**
 * Deletes finished executions (never `running`) that started before
 * `now - olderThanDays`, or that rank beyond the newest `keepPerSession` of
 * their session (running ones count toward the K but are kept), with their events.
 */
function compact(c: Connection, o: CompactOptions): OpResult {
  const victims = new Set<number>(); // ords
  if (o.olderThanDays !== undefined) {
    const cutoff = new Date(Date.parse(o.now) - o.olderThanDays * DAY_MS).toISOString();
    for (const r of c.all("SELECT ord FROM executions WHERE status <> 'running' AND started_at < ?", [cutoff])) victims.add(r[0] as number);
  }
  if (o.keepPerSession !== undefined) {
    const rows = c.all(
      `SELECT ord FROM (SELECT ord, status, row_number() OVER (PARTITION BY session_id ORDER BY ord DESC) AS rank FROM executions)
       WHERE rank > ? AND status <> 'running'`,
      [Math.max(0, Math.floor(o.keepPerSession))],
    );
    for (const r of rows) victims.add(r[0] as number);
  }
  let deletedEvents = 0;
  for (const ord of victims) {
    deletedEvents += deleteEvents(c, ord);
    c.run('DELETE FROM executions WHERE ord = ?', [ord]);
  }
  // Hand the freed pages back so the next checkpoint writes a smaller image.
  if (victims.size > 0) c.run('PRAGMA incremental_vacuum');
  const value: CompactResult = { deletedExecutions: victims.size, deletedEvents };
  return { changed: victims.size > 0, value };
}

/**
 * The retention policy, one bounded pass. Each rule walks an index from the
 * oldest end and stops at the first row it keeps, so a pass costs what it
 * deletes plus one query per session, not the size of the history.
 * `imageBytes` (the database file as the daemon saw it) is an argument so
 * that replay decides the same.
 */
function retention(c: Connection, plan: RetentionPlan, imageBytes: number): OpResult {
  const victims = new Set<number>();
  const full = (): boolean => victims.size >= plan.limit;
  const sessions = c.all('SELECT id, template_id FROM sessions ORDER BY ord');
  for (const [sessionId, templateId] of sessions) {
    if (full()) break;
    const own = plan.templates[templateId as string] ?? {};
    const keep = own.keepPerSession ?? plan.keepPerSession;
    const days = own.olderThanDays ?? plan.olderThanDays;
    if (keep > 0) {
      const excess = c.all("SELECT ord FROM executions WHERE session_id = ? AND status <> 'running' AND ord < coalesce((SELECT ord FROM executions WHERE session_id = ? ORDER BY ord DESC LIMIT 1 OFFSET ?), -1) ORDER BY ord LIMIT ?",
        [sessionId, sessionId, keep - 1, plan.limit - victims.size]);
      for (const [ord] of excess) victims.add(ord as number);
    }
    if (days > 0 && !full()) {
      const cutoff = new Date(Date.parse(plan.now) - days * DAY_MS).toISOString();
      for (const [ord, startedAt, status] of c.all('SELECT ord, started_at, status FROM executions WHERE session_id = ? ORDER BY ord LIMIT ?', [sessionId, plan.limit - victims.size])) {
        if ((startedAt as string) >= cutoff) break;
        if (status !== 'running') victims.add(ord as number);
      }
    }
  }
  if (plan.maxBytes > 0 && !full()) {
    let excess = imageBytes + Number(c.get('SELECT coalesce(sum(bytes), 0) FROM segments')?.[0] ?? 0) - plan.maxBytes;
    for (const ord of victims) excess -= Number(c.get('SELECT coalesce(sum(length), 0) FROM event_chunks WHERE exec_ord = ?', [ord])?.[0] ?? 0);
    let after = 0;
    while (excess > 0 && !full()) {
      const batch = c.all(
        "SELECT ord, (SELECT coalesce(sum(length), 0) FROM event_chunks WHERE exec_ord = e.ord) FROM executions e WHERE status <> 'running' AND ord > ? ORDER BY ord LIMIT 256",
        [after]);
      if (batch.length === 0) break;
      for (const [ord, bytes] of batch) {
        after = ord as number;
        if (victims.has(after)) continue;
        victims.add(after);
        // The row itself weighs something too, even without events.
        excess -= (bytes as number) + 512;
        if (excess <= 0 || full()) break;
      }
    }
  }
  let deletedEvents = 0;
  for (const ord of victims) {
    deletedEvents += deleteEvents(c, ord);
    c.run('DELETE FROM executions WHERE ord = ?', [ord]);
  }
  if (victims.size > 0) c.run('PRAGMA incremental_vacuum');
  const value: RetentionResult = { deletedExecutions: victims.size, deletedEvents, more: full() };
  return { changed: victims.size > 0, value };
}
