/** Human output of operations results. */
import type { ResultOf, OpsHealth, OpsRetention, OpsRuntimeSummary } from '../../server/protocol';
import type { Paint } from './color';
import { duration, keyValues, table } from './layout';

export function healthBlock(h: ResultOf<typeof OpsHealth>, paint: Paint, extra: Array<[string, string | undefined]> = []): string {
  return keyValues([
    ['status', paint.green(h.status)], ['version', h.version], ['pid', h.pid], ...extra,
    ['database', h.dbPath], ['uptime', duration(h.uptimeMs)],
    ['node', h.runtime.node], ['isolated-vm', h.runtime.isolatedVm], ['platform', h.runtime.platform],
  ], paint);
}

export function runtimeSummaryBlock(s: ResultOf<typeof OpsRuntimeSummary>, paint: Paint): string {
  const head = keyValues([
    ['active sessions', s.activeSessions], ['running executions', s.runningExecutions], ['rss', `${s.rssMb} MB`],
  ], paint);
  const hosts = table(['HOST PID', 'SESSIONS', 'RSS'], s.hosts.map((h) => [String(h.pid), String(h.sessionIds.length), `${h.rssMb} MB`]), paint, '(no runtime hosts)');
  const sessions = s.sessions.length
    ? table(['SESSION', 'HEAP', 'CPU'], s.sessions.map((x) => [x.sessionId, `${x.heapUsedMb} MB`, `${x.cpuMs} ms`]), paint)
    : '';
  return `${head}\n${hosts}${sessions ? `\n${sessions}` : ''}`;
}

export function compactBlock(r: { deletedExecutions: number; deletedEvents: number }, paint: Paint): string {
  return keyValues([['deleted executions', r.deletedExecutions], ['deleted events', r.deletedEvents]], paint);
}

const limit = (n: number, unit: string): string => (n === 0 ? 'no limit' : `${n} ${unit}`);

export function retentionBlock(r: ResultOf<typeof OpsRetention>, paint: Paint): string {
  const head = keyValues([
    ['keep per session', limit(r.policy.keepPerSession, 'executions')],
    ['older than', limit(r.policy.olderThanDays, 'days')],
    ['history at most', limit(r.policy.maxMb, 'MB')],
    ['history now', `${r.historyMb} MB`],
    ['last run', r.lastRun ? `${r.lastRun.at}: ${r.lastRun.deletedExecutions} executions, ${r.lastRun.deletedEvents} events deleted` : 'not yet'],
    ['next run', r.nextRunAt],
  ], paint);
  if (r.templates.length === 0) return head;
  const rows = r.templates.map((t) => [t.name, t.retention.keepPerSession === undefined ? '(daemon)' : limit(t.retention.keepPerSession, 'executions'), t.retention.olderThanDays === undefined ? '(daemon)' : limit(t.retention.olderThanDays, 'days')]);
  return `${head}\n${table(['TEMPLATE', 'KEEP PER SESSION', 'OLDER THAN'], rows, paint)}`;
}
