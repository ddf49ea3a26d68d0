import type { Retention, ResultOf, OpsRetention, TemplateRetention } from '../protocol';
import type { ClockPort, StorePort } from './ports';

/** A pass every 10 minutes, the first soon after start; another at once while a pass had to stop at its limit. */
const PERIOD_MS = 10 * 60_000;
const FIRST_MS = 5_000;
const AGAIN_MS = 1_000;
/** Executions one pass may delete: bounds the time it holds the event loop (each costs a few hundred µs at most). */
const PASS_LIMIT = 200;

/**
 * Applies the retention policy in the background: the daemon's defaults,
 * replaced for a template's sessions by the template's own rules. Each pass is
 * one journaled store write, bounded in size, so it never stalls the daemon
 * for long; what it frees on disk goes at the checkpoint that follows.
 */
export class RetentionService {
  private timer: NodeJS.Timeout | undefined;
  private lastRun: { at: string; deletedExecutions: number; deletedEvents: number } | undefined;
  private nextRunAt: Date | undefined;
  private stopped = false;
  private continuing = false;

  constructor(
    private readonly store: StorePort,
    private readonly clock: ClockPort,
    readonly policy: Retention,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  start(): void {
    this.schedule(FIRST_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One pass now; answers what it deleted. */
  async run(): Promise<{ deletedExecutions: number; deletedEvents: number; more: boolean }> {
    const now = this.clock.now().toISOString();
    const result = this.store.applyRetention({
      now,
      keepPerSession: this.policy.keepPerSession,
      olderThanDays: this.policy.olderThanDays,
      maxBytes: this.policy.maxMb * 1024 * 1024,
      templates: Object.fromEntries(this.overrides().map((t) => [t.templateId, t.retention])),
      limit: PASS_LIMIT,
    });
    await this.store.flush();
    // A pass cut short by its limit and the passes that finish its work count as one run.
    const carry = this.continuing ? this.lastRun : undefined;
    this.lastRun = {
      at: carry?.at ?? now,
      deletedExecutions: result.deletedExecutions + (carry?.deletedExecutions ?? 0),
      deletedEvents: result.deletedEvents + (carry?.deletedEvents ?? 0),
    };
    this.continuing = result.more;
    return result;
  }

  status(): ResultOf<typeof OpsRetention> {
    return {
      policy: this.policy,
      templates: this.overrides(),
      historyMb: Math.round((this.store.historyBytes() / 1048576) * 10) / 10,
      ...(this.lastRun && { lastRun: this.lastRun }),
      ...(this.nextRunAt && { nextRunAt: this.nextRunAt.toISOString() }),
    };
  }

  private overrides(): Array<{ templateId: string; name: string; retention: TemplateRetention }> {
    const out: Array<{ templateId: string; name: string; retention: TemplateRetention }> = [];
    for (const t of this.store.listTemplates()) {
      const retention = this.store.getTemplate(t.id)?.settings.retention;
      if (retention && Object.keys(retention).length > 0) out.push({ templateId: t.id, name: t.name, retention });
    }
    return out;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.nextRunAt = new Date(this.clock.now().getTime() + ms);
    this.timer = setTimeout(() => {
      this.run().then(
        (r) => this.schedule(r.more ? AGAIN_MS : PERIOD_MS),
        (err: unknown) => {
          this.log(`retention: pass failed: ${err instanceof Error ? err.message : String(err)}`);
          this.schedule(PERIOD_MS);
        },
      );
    }, ms);
    this.timer.unref();
  }
}
