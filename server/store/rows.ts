/**
 * Entity <-> row mapping. Columns are selected in the fixed orders below and
 * read by position (cheaper than building an object per row). Optional fields
 * are NULL in the row and absent (no key at all) in the entity.
 */
import type { Capability, Event, Execution, Session, StartupFile, Template, TemplateDetail } from '../protocol';
import type { SqlValue } from './sqljs';

type Row = SqlValue[];

const str = (v: SqlValue): string => v as string;
const json = <T>(v: SqlValue): T => JSON.parse(v as string) as T;
const toJson = (v: unknown): string => JSON.stringify(v ?? null);

// ---------------------------------------------------------------- templates

export const TEMPLATE_COLUMNS = 'id, name, engine, created_at, updated_at, settings_json, modules_json, libraries_json';

export function templateFromRow(r: Row): Template {
  return { id: str(r[0]), name: str(r[1]), engine: str(r[2]) as Template['engine'], createdAt: str(r[3]), updatedAt: str(r[4]) };
}

export function templateDetailFromRow(r: Row, capabilities: Capability[], startupFiles: StartupFile[]): TemplateDetail {
  return {
    ...templateFromRow(r),
    settings: json(r[5]),
    capabilities,
    startupFiles,
    modules: json(r[6]),
    libraries: json(r[7]),
  };
}

export function templateParams(t: TemplateDetail): SqlValue[] {
  return [t.id, t.name, t.engine, t.createdAt, t.updatedAt, toJson(t.settings), toJson(t.modules), toJson(t.libraries)];
}

export const CAPABILITY_COLUMNS = 'id, template_id, kind, name, enabled, config_json, created_at';

export function capabilityFromRow(r: Row): Capability {
  return {
    id: str(r[0]), templateId: str(r[1]), kind: str(r[2]) as Capability['kind'], name: str(r[3]),
    enabled: r[4] === 1, config: json(r[5]), createdAt: str(r[6]),
  };
}

export function capabilityParams(c: Capability): SqlValue[] {
  return [c.id, c.templateId, c.kind, c.name, c.enabled ? 1 : 0, toJson(c.config ?? {}), c.createdAt];
}

export const STARTUP_FILE_COLUMNS = 'id, template_id, path, order_index, mode, created_at';

export function startupFileFromRow(r: Row): StartupFile {
  return { id: str(r[0]), templateId: str(r[1]), path: str(r[2]), orderIndex: r[3] as number, mode: str(r[4]) as StartupFile['mode'], createdAt: str(r[5]) };
}

export function startupFileParams(f: StartupFile): SqlValue[] {
  return [f.id, f.templateId, f.path, f.orderIndex, f.mode, f.createdAt];
}

// ---------------------------------------------------------------- sessions

export const SESSION_COLUMNS = 'id, template_id, workspace_id, base_commit_oid, worktree_path, status, created_at, closed_at, last_error';

export function sessionFromRow(r: Row): Session {
  const s: Session = {
    id: str(r[0]), templateId: str(r[1]), workspaceId: str(r[2]), baseCommitOid: str(r[3]),
    worktreePath: str(r[4]), status: str(r[5]) as Session['status'], createdAt: str(r[6]),
  };
  if (r[7] !== null) s.closedAt = str(r[7]);
  if (r[8] !== null) s.lastError = str(r[8]);
  return s;
}

export function sessionParams(s: Session): SqlValue[] {
  return [s.id, s.templateId, s.workspaceId, s.baseCommitOid, s.worktreePath, s.status, s.createdAt, s.closedAt ?? null, s.lastError ?? null];
}

// ---------------------------------------------------------------- executions

export const EXECUTION_COLUMNS =
  'id, session_id, kind, input, path, args_json, env_json, status, started_at, ended_at, result_json, error_json, metrics_json, replay_of';

export function executionFromRow(r: Row): Execution {
  // Built in the documented key order (id, sessionId, kind, input?, path?, args, ...) so JSON reads naturally.
  const e: Partial<Execution> = { id: str(r[0]), sessionId: str(r[1]), kind: str(r[2]) as Execution['kind'] };
  if (r[3] !== null) e.input = str(r[3]);
  if (r[4] !== null) e.path = str(r[4]);
  e.args = json(r[5]);
  e.env = json(r[6]);
  e.status = str(r[7]) as Execution['status'];
  e.startedAt = str(r[8]);
  if (r[9] !== null) e.endedAt = str(r[9]);
  if (r[10] !== null) e.result = json(r[10]);
  if (r[11] !== null) e.error = json(r[11]);
  e.metrics = json(r[12]);
  if (r[13] !== null && r[13] !== undefined) e.replayOf = str(r[13]);
  return e as Execution;
}

export function executionParams(e: Execution): SqlValue[] {
  return [
    e.id, e.sessionId, e.kind, e.input ?? null, e.path ?? null, toJson(e.args ?? {}), toJson(e.env ?? {}), e.status,
    e.startedAt, e.endedAt ?? null, e.result === undefined ? null : toJson(e.result),
    e.error === undefined ? null : toJson(e.error), toJson(e.metrics), e.replayOf ?? null,
  ];
}

/** In the order of writes.ts's FINISH_EXECUTION: what the end changes, then the id. */
export function executionEndParams(id: string, end: Pick<Execution, 'status' | 'endedAt' | 'result' | 'error' | 'metrics'>): SqlValue[] {
  return [
    end.status, end.endedAt ?? null, end.result === undefined ? null : toJson(end.result),
    end.error === undefined ? null : toJson(end.error), toJson(end.metrics), id,
  ];
}

// ---------------------------------------------------------------- events

export const EVENT_COLUMNS = 'seq, ts, type, payload_json';

export function eventFromRow(executionId: string, r: Row): Event {
  // The store wrote this row from an Event: its type and payload belong together.
  return { executionId, seq: r[0] as number, ts: str(r[1]), type: str(r[2]), payload: json(r[3]) } as Event;
}

/** The event's own columns, after its execution's ord. */
export function eventValues(e: Event): SqlValue[] {
  return [e.seq, e.ts, e.type, toJson(e.payload)];
}
