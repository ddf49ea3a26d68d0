import type { ResultOf, OpsHealth, OpsRetention, OpsRuntimeSummary } from '../protocol';
import type { ExecutionService } from './executions';
import type { LiveSessions } from './live-sessions';
import type { RetentionService } from './retention';
import type { ClockPort, ProcessPort, RuntimePort, StorePort } from './ports';

/** Health, retention and what is alive. */
export class OpsService {
  constructor(
    private readonly store: StorePort,
    private readonly runtime: RuntimePort,
    private readonly live: LiveSessions,
    private readonly executions: ExecutionService,
    private readonly clock: ClockPort,
    private readonly process: ProcessPort,
    private readonly retention: RetentionService,
  ) {}

  retentionStatus(): ResultOf<typeof OpsRetention> {
    return this.retention.status();
  }

  health(): ResultOf<typeof OpsHealth> {
    return {
      status: 'ok', version: this.process.version, pid: this.process.pid,
      uptimeMs: Math.round(this.clock.now().getTime() - this.process.startedAt.getTime()), dbPath: this.store.path,
      runtime: this.runtime.identity(),
    };
  }

  async compact(olderThanDays?: number, keepPerSession?: number): Promise<{ deletedExecutions: number; deletedEvents: number }> {
    const result = this.store.compact({ olderThanDays, keepPerSession, now: this.clock.now().toISOString() });
    await this.store.flush();
    return result;
  }

  async runtimeSummary(): Promise<ResultOf<typeof OpsRuntimeSummary>> {
    const summary = await this.runtime.summary();
    const hostsMb = summary.hosts.reduce((sum, h) => sum + h.rssMb, 0);
    const activeSessionIds = this.live.ids();
    return {
      activeSessions: activeSessionIds.length,
      activeSessionIds,
      runningExecutions: this.executions.runningCount(),
      rssMb: round(this.process.rssMb() + hostsMb),
      hosts: summary.hosts,
      sessions: summary.sessions.filter((s) => activeSessionIds.includes(s.sessionId)),
    };
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;
