import type { Settings } from '../protocol';
import type { Cancellation } from './context';
import { DomainError, notFound } from './errors';
import type { StorePort } from './ports';

/**
 * The execution holding a session's slot: the core's one record of what runs
 * in a session (the runtime has its own, one per layer: the pool's per host,
 * the host's per isolate).
 */
export class RunningExecution {
  /** Who asked it to stop: the request's own cancellation, or executions/cancel (a session close counts as that). */
  cancelledBy?: 'request' | 'cancel';
  /** Resolves once the execution is recorded and flushed. */
  readonly recorded: Promise<void>;
  markRecorded!: () => void;

  constructor(readonly sessionId: string, readonly executionId: string) {
    this.recorded = new Promise((resolve) => { this.markRecorded = resolve; });
  }
}

/** One execution slot per session, with a FIFO of waiters (`queue: true`). */
export interface LiveSession {
  readonly id: string;
  readonly worktreePath: string;
  /** The template's settings when the runtime started: later template edits do not reach a live session. */
  readonly settings: Settings;
  running?: RunningExecution;
  waiters: Array<{ executionId: string; wake: (running: RunningExecution) => void; fail: (error: Error) => void }>;
}

/**
 * The sessions whose runtime is alive in this daemon. The store says what a
 * session was; this says what is running now (a `ready` row of an earlier
 * daemon is not live).
 */
export class LiveSessions {
  private readonly sessions = new Map<string, LiveSession>();

  constructor(private readonly store: StorePort) {}

  add(session: LiveSession): void { this.sessions.set(session.id, session); }
  remove(id: string): LiveSession | undefined {
    const live = this.sessions.get(id);
    this.sessions.delete(id);
    for (const waiter of live?.waiters.splice(0) ?? []) waiter.fail(notReady(id, 'closed'));
    return live;
  }
  find(id: string): LiveSession | undefined { return this.sessions.get(id); }
  ids(): string[] { return [...this.sessions.keys()]; }
  all(): LiveSession[] { return [...this.sessions.values()]; }
  runningCount(): number { return this.all().filter((s) => s.running).length; }
  /** The execution with this id, while it holds its session's slot. */
  running(executionId: string): RunningExecution | undefined {
    return this.all().find((s) => s.running?.executionId === executionId)?.running;
  }

  /** The live session, or the precise reason why there is none. */
  require(id: string): LiveSession {
    const live = this.sessions.get(id);
    if (live) return live;
    const stored = this.store.getSession(id);
    if (!stored) throw notFound('SESSION_NOT_FOUND', id);
    throw notReady(id, stored.status === 'ready' ? 'not running in this daemon' : stored.status);
  }

  /**
   * Takes the session's execution slot: at once, or (queue) after the
   * executions ahead of it. `release` frees the slot (the next waiter gets it
   * at once, so nothing slips in before that waiter resumes).
   */
  async acquire(live: LiveSession, executionId: string, queue: boolean, cancellation?: Cancellation): Promise<{ running: RunningExecution; release: () => void }> {
    let running: RunningExecution;
    if (live.running || live.waiters.length > 0) {
      if (!queue) {
        const executionId = live.running?.executionId;
        throw new DomainError('SESSION_BUSY', `session ${live.id} is busy with another execution`, { sessionId: live.id, executionId });
      }
      let cancelling: { dispose(): void } | undefined;
      running = await new Promise<RunningExecution>((resolve, reject) => {
        const waiter = { executionId, wake: resolve, fail: reject };
        live.waiters.push(waiter);
        cancelling = cancellation?.onCancellationRequested(() => {
          const i = live.waiters.indexOf(waiter);
          if (i >= 0) { live.waiters.splice(i, 1); reject(new DomainError('REQUEST_CANCELLED', 'cancelled while queued', { sessionId: live.id })); }
        });
      }).finally(() => cancelling?.dispose());
    } else {
      running = new RunningExecution(live.id, executionId);
      live.running = running;
    }
    const release = (): void => {
      if (live.running !== running) return;
      const next = live.waiters.shift();
      live.running = next ? new RunningExecution(live.id, next.executionId) : undefined;
      if (next) next.wake(live.running!);
    };
    return { running, release };
  }
}

export function notReady(sessionId: string, status: string): DomainError {
  return new DomainError('SESSION_NOT_READY', `session ${sessionId} is ${status}`, { sessionId, status });
}
