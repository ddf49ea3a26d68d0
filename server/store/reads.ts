/** Queries. Synchronous against the in-memory database; every one is served by an index. */
import type { EventPage, ExecutionPage, InstalledLibrary } from '../core/ports';
import type { Event, Execution, Session, SessionStatus, Template, TemplateDetail } from '../protocol';
import type { Connection } from './connection';
import type { Segments } from './segments';
import {
  CAPABILITY_COLUMNS, EVENT_COLUMNS, EXECUTION_COLUMNS, SESSION_COLUMNS, STARTUP_FILE_COLUMNS, TEMPLATE_COLUMNS,
  capabilityFromRow, eventFromRow, executionFromRow, sessionFromRow, startupFileFromRow, templateDetailFromRow, templateFromRow,
} from './rows';

/** SQLite reads LIMIT -1 as "no limit"; anything not a finite number means that. */
function sqlLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
}

export function listTemplates(c: Connection, name?: string): Template[] {
  const rows = name === undefined
    ? c.all(`SELECT ${TEMPLATE_COLUMNS} FROM templates ORDER BY ord`)
    : c.all(`SELECT ${TEMPLATE_COLUMNS} FROM templates WHERE name = ? ORDER BY ord`, [name]);
  return rows.map(templateFromRow);
}

export function getTemplate(c: Connection, id: string): TemplateDetail | undefined {
  const row = c.get(`SELECT ${TEMPLATE_COLUMNS} FROM templates WHERE id = ?`, [id]);
  if (!row) return undefined;
  const capabilities = c.all(`SELECT ${CAPABILITY_COLUMNS} FROM capabilities WHERE template_id = ? ORDER BY ord`, [id]).map(capabilityFromRow);
  const startupFiles = c.all(`SELECT ${STARTUP_FILE_COLUMNS} FROM startup_files WHERE template_id = ? ORDER BY order_index, ord`, [id]).map(startupFileFromRow);
  return templateDetailFromRow(row, capabilities, startupFiles);
}

export function getSession(c: Connection, id: string): Session | undefined {
  const row = c.get(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`, [id]);
  return row && sessionFromRow(row);
}

export function listSessions(c: Connection, status?: SessionStatus): Session[] {
  const rows = status === undefined
    ? c.all(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY ord DESC`)
    : c.all(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE status = ? ORDER BY ord DESC`, [status]);
  return rows.map(sessionFromRow);
}

export function getExecution(c: Connection, id: string): Execution | undefined {
  const row = c.get(`SELECT ${EXECUTION_COLUMNS} FROM executions WHERE id = ?`, [id]);
  return row && executionFromRow(row);
}

/** Newest first. An unknown `beforeId` answers an empty page (the core checks ids it wants to report as missing). */
export function listExecutions(c: Connection, page: ExecutionPage): Execution[] {
  let before = Number.MAX_SAFE_INTEGER;
  if (page.beforeId !== undefined) {
    const row = c.get('SELECT ord FROM executions WHERE id = ?', [page.beforeId]);
    if (!row) return [];
    before = row[0] as number;
  }
  return c.all(
    `SELECT ${EXECUTION_COLUMNS} FROM executions WHERE session_id = ? AND ord < ? ORDER BY ord DESC LIMIT ?`,
    [page.sessionId, before, sqlLimit(page.limit)],
  ).map(executionFromRow);
}

export function listSessionHistory(c: Connection, sessionId: string): Execution[] {
  return c.all(`SELECT ${EXECUTION_COLUMNS} FROM executions WHERE session_id = ? ORDER BY ord`, [sessionId]).map(executionFromRow);
}

/**
 * Events of a finished execution come from its segment records, those of a
 * running one from sql.js (an execution that ended and was appended to
 * later has both); merged by seq.
 */
export function listEvents(c: Connection, segments: Segments, page: EventPage): Event[] {
  const exec = c.get('SELECT ord FROM executions WHERE id = ?', [page.executionId]);
  if (!exec) return [];
  const ord = exec[0] as number;
  const limit = sqlLimit(page.limit);
  const events: Event[] = [];
  for (const [segment, offset, length] of c.all('SELECT segment, offset, length FROM event_chunks WHERE exec_ord = ? AND last_seq > ? ORDER BY first_seq', [ord, page.afterSeq])) {
    if (limit >= 0 && events.length >= limit) break;
    const bytes = segments.tryRead({ segment: segment as number, offset: offset as number, length: length as number });
    if (!bytes) continue;
    const record = JSON.parse(bytes.toString('utf8')) as { v: Array<[number, string, Event['type'], unknown]> };
    for (const [seq, ts, type, payload] of record.v) {
      if (seq > page.afterSeq) events.push({ executionId: page.executionId, seq, ts, type, payload } as Event);
    }
  }
  const inline = c.all(`SELECT ${EVENT_COLUMNS} FROM events WHERE exec_ord = ? AND seq > ? ORDER BY seq LIMIT ?`, [ord, page.afterSeq, limit])
    .map((r) => eventFromRow(page.executionId, r));
  const merged = inline.length === 0 ? events : [...events, ...inline].sort((a, b) => a.seq - b.seq);
  return limit >= 0 ? merged.slice(0, limit) : merged;
}

const LIBRARY_COLUMNS = 'spec, name, version, integrity, path, size_kb, tree_json, installed_at';

function libraryFromRow(r: unknown[]): InstalledLibrary {
  return {
    spec: String(r[0]), name: String(r[1]), version: String(r[2]), integrity: String(r[3]), path: String(r[4]),
    sizeKb: Number(r[5]), tree: JSON.parse(String(r[6])) as InstalledLibrary['tree'], installedAt: String(r[7]),
  };
}

export function listLibraries(c: Connection): InstalledLibrary[] {
  return c.all(`SELECT ${LIBRARY_COLUMNS} FROM libraries ORDER BY ord`).map(libraryFromRow);
}

export function getLibrary(c: Connection, spec: string): InstalledLibrary | undefined {
  const row = c.get(`SELECT ${LIBRARY_COLUMNS} FROM libraries WHERE spec = ?`, [spec]);
  return row ? libraryFromRow(row) : undefined;
}
