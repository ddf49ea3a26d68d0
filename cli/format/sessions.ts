/** Human output of session and execution results. */
import type { Event, Execution, Session } from '../../server/protocol';
import { statusColor, type Paint } from './color';
import { keyValues, ms, oneLine, shortTime, table } from './layout';

export function sessionTable(sessions: Session[], paint: Paint): string {
  return table(['ID', 'STATUS', 'WORKSPACE', 'WORKTREE', 'CREATED'],
    sessions.map((s) => [s.id, statusColor(paint, s.status), s.workspaceId, s.worktreePath, shortTime(s.createdAt)]), paint, '(no sessions)');
}

export function sessionDetail(s: Session, paint: Paint): string {
  return keyValues([
    ['id', s.id], ['status', statusColor(paint, s.status)], ['template', s.templateId], ['workspace', s.workspaceId],
    ['worktree', s.worktreePath], ['base commit', s.baseCommitOid || paint.dim('(none)')], ['created', s.createdAt],
    ['closed', s.closedAt], ['last error', s.lastError],
  ], paint);
}

const what = (e: Execution): string => (e.kind === 'repl' ? oneLine(e.input) : e.path ?? '');

export function executionTable(executions: Execution[], paint: Paint): string {
  return table(['ID', 'KIND', 'STATUS', 'STARTED', 'WALL', 'INPUT'],
    executions.map((e) => [e.id, e.kind, statusColor(paint, e.status), shortTime(e.startedAt), ms(e.metrics.wallMs), what(e)]), paint, '(no executions)');
}

export function executionDetail(e: Execution, paint: Paint): string {
  return keyValues([
    ['id', e.id], ['session', e.sessionId], ['kind', e.kind], ['status', statusColor(paint, e.status)],
    ['input', e.input === undefined ? undefined : oneLine(e.input, 200)], ['path', e.path],
    ['args', Object.keys(e.args).length ? JSON.stringify(e.args) : undefined],
    ['started', e.startedAt], ['ended', e.endedAt],
    ['result', e.result ? `${e.result.preview} ${paint.dim(`(${e.result.type})`)}` : undefined],
    ['error', e.error ? `${e.error.name}: ${e.error.message}${e.error.location ? ` at ${e.error.location.path}:${e.error.location.line}:${e.error.location.column}` : ''}` : undefined],
    ['metrics', `wall ${ms(e.metrics.wallMs)}, cpu ${ms(e.metrics.cpuMs)}, ${e.metrics.events} events, ${e.metrics.outputBytes} bytes`],
  ], paint);
}

/** One line per event: seq, time, type, what it says. */
export function eventTable(events: Event[], paint: Paint): string {
  return table(['SEQ', 'TIME', 'TYPE', 'PAYLOAD'],
    events.map((ev) => [String(ev.seq), shortTime(ev.ts), ev.type, eventText(ev, paint)]), paint, '(no events)');
}

function eventText(ev: Event, paint: Paint): string {
  switch (ev.type) {
    case 'input_echo': return oneLine('text' in ev.payload ? ev.payload.text : `${ev.payload.path} ${JSON.stringify(ev.payload.args ?? {})}`, 80);
    case 'console': return `${paint.dim(ev.payload.level)} ${oneLine(ev.payload.text, 80)}`;
    case 'value': return `${oneLine(ev.payload.preview, 80)} ${paint.dim(`(${ev.payload.type})`)}`;
    case 'exception': return paint.red(`${ev.payload.name}: ${oneLine(ev.payload.message, 80)}`);
    case 'system': return `${paint.dim(ev.payload.level)} ${ev.payload.message}`;
    case 'display': {
      const data = ev.payload.data ?? {};
      return `${oneLine(data['text/plain'] ?? '', 80)} ${paint.dim(`(${Object.keys(data).join(', ')})`)}`;
    }
  }
  // A type this CLI does not know (a newer daemon): its payload as JSON.
  return JSON.stringify((ev as { payload?: unknown }).payload);
}
