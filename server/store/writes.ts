/**
 * Every change to the database, as a logical operation. The same function
 * applies an operation live and when the journal is replayed at startup, so
 * the journal records the operation and its arguments, not SQL: replay is
 * then exactly the code path that ran live, and it is deterministic because
 * every input (including `now`) is in the arguments.
 */
import type { CompactOptions, InstalledLibrary } from '../core/ports';
import type { Capability, Event, Execution, Session, Settings, StartupFile, TemplateDetail } from '../protocol';
import type { Connection } from './connection';
import { EXECUTION_COLUMNS, capabilityParams, eventParams, eventValues, executionEndParams, executionParams, sessionParams, startupFileParams, templateParams } from './rows';

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
  | ['compact', CompactOptions];

export interface RecoverResult { sessions: number; executions: number }
export interface CompactResult { deletedExecutions: number; deletedEvents: number }

/** `changed: false` means the operation was a no-op and need not be journaled. */
export interface OpResult { changed: boolean; value?: unknown }

const CHANGED: OpResult = { changed: true };

export function applyOp(c: Connection, op: Op): OpResult {
  switch (op[0]) {
    case 'template.insert': return c.tx(() => insertTemplate(c, op[1]));
    case 'template.delete': return c.tx(() => deleteTemplate(c, op[1]));
    case 'template.update': return updateTemplate(c, op[1], op[2]);
    case 'capability.insert': c.run(INSERT_CAPABILITY, capabilityParams(op[1])); return CHANGED;
    case 'startupFile.insert': c.run(INSERT_STARTUP_FILE, startupFileParams(op[1])); return CHANGED;
    case 'startupFile.delete': return { changed: c.run('DELETE FROM startup_files WHERE id = ? AND template_id = ?', [op[2], op[1]]) > 0 };
    case 'session.put': c.run(PUT_SESSION, sessionParams(op[1])); return CHANGED;
    case 'execution.put': c.run(PUT_EXECUTION, executionParams(op[1])); return CHANGED;
    case 'execution.start': return startExecution(c, op[1], op[2]);
    case 'execution.finish': return finishExecution(c, op[1], op[2]);
    // One INSERT is atomic by itself: a savepoint only for several.
    case 'events.append': return op[1].length === 1 ? appendEvents(c, op[1]) : c.tx(() => appendEvents(c, op[1]));
    case 'library.put': c.run(PUT_LIBRARY, libraryParams(op[1])); return CHANGED;
    case 'recover': return c.tx(() => recover(c, op[1], op[2]));
    case 'compact': return c.tx(() => compact(c, op[1]));
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
function startExecution(c: Connection, e: Execution, events: Event[]): OpResult {
  c.run(INSERT_EXECUTION, executionParams(e));
  try {
    // Inserts into the WITHOUT ROWID events table leave last_insert_rowid() at the execution's ord.
    for (const event of events) c.run(INSERT_EVENT_OF_LAST_EXECUTION, eventValues(event));
  } catch (err) {
    c.run('DELETE FROM events WHERE exec_ord = (SELECT ord FROM executions WHERE id = ?)', [e.id]);
    c.run('DELETE FROM executions WHERE id = ?', [e.id]);
    throw err;
  }
  return CHANGED;
}

function finishExecution(c: Connection, id: string, end: ExecutionEnd): OpResult {
  if (c.run(FINISH_EXECUTION, executionEndParams(id, end)) === 0) throw new Error(`store: finish of unknown execution ${id} (startExecution comes first)`);
  return CHANGED;
}

function appendEvents(c: Connection, events: Event[]): OpResult {
  for (const e of events) {
    const inserted = c.run('INSERT INTO events (exec_ord, seq, ts, type, payload_json) SELECT ord, ?, ?, ?, ? FROM executions WHERE id = ?', eventParams(e));
    if (inserted === 0) throw new Error(`store: event ${e.seq} of unknown execution ${e.executionId} (its execution is written first)`);
  }
  return { changed: events.length > 0 };
}

function recover(c: Connection, now: string, reason: string): OpResult {
  const sessions = c.run(
    "UPDATE sessions SET status = 'closed', closed_at = ?, last_error = ? WHERE status IN ('starting', 'ready')",
    [now, reason],
  );
  const executions = c.run("UPDATE executions SET status = 'interrupted', ended_at = ? WHERE status = 'running'", [now]);
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
    deletedEvents += c.run('DELETE FROM events WHERE exec_ord = ?', [ord]);
    c.run('DELETE FROM executions WHERE ord = ?', [ord]);
  }
  // Hand the freed pages back so the next checkpoint writes a smaller image.
  if (victims.size > 0) c.run('PRAGMA incremental_vacuum');
  const value: CompactResult = { deletedExecutions: victims.size, deletedEvents };
  return { changed: victims.size > 0, value };
}
