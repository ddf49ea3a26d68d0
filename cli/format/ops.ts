/** Human output of operations results. */
import type { ResultOf, OpsHealth, OpsRuntimeSummary } from '../../server/protocol';
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
