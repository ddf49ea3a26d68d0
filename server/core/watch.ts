import type { Event, Execution } from '../protocol';
import type { CallContext } from './context';
import { DomainError, notFound } from './errors';
import type { ExecutionService } from './executions';
import type { LiveSessions } from './live-sessions';
import type { FileWatch, FilesPort, IdPort, WatcherPort } from './ports';

export interface WatchListener {
  didRun(watchId: string, execution: Execution, events: Event[]): void;
  didEnd?(watchId: string, reason: string): void;
}

interface Watch {
  watchId: string;
  sessionId: string;
  path: string;
  debounceMs: number;
  files: FileWatch;
  /** Told when the watch ends without watch/stop. */
  onEnd?: (reason: string) => void;
  timer?: ReturnType<typeof setTimeout>;
  running: boolean;
  /** A change came in during a run: exactly one more run follows. */
  again: boolean;
  stopped: boolean;
}

/**
 * Re-runs a worktree file when it (or what it imports) changes. A change
 * while a run is in progress queues exactly one more run; runs wait their
 * turn behind other executions of the session.
 */
export class WatchService {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly executions: ExecutionService,
    private readonly live: LiveSessions,
    private readonly files: FilesPort,
    private readonly watcher: WatcherPort,
    private readonly ids: IdPort,
  ) {}

  /** Answers once changes are observed, so an edit made right after the answer is never missed. */
  async start(params: { sessionId: string; path: string; debounceMs: number; runOnStart: boolean }, ctx: CallContext & WatchListener): Promise<{ watchId: string }> {
    const live = this.live.require(params.sessionId);
    const check = this.files.resolveFile(live.worktreePath, params.path);
    if (!check.ok) throw new DomainError(check.code, check.message, { path: params.path });
    const watchId = this.ids.newId();
    const watch: Watch = {
      watchId, sessionId: live.id, path: check.relativePath, debounceMs: params.debounceMs, running: false, again: false, stopped: false,
      files: this.watcher.watch(this.watchedPaths(live.worktreePath, check.relativePath, live.settings.resolver.extensions), () => this.changed(watch, ctx)),
    };
    watch.onEnd = ctx.didEnd && ((reason) => ctx.didEnd!(watchId, reason));
    this.watches.set(watchId, watch);
    await watch.files.ready;
    if (params.runOnStart && !watch.stopped) void this.run(watch, ctx);
    return { watchId };
  }

  async stop(watchId: string): Promise<{ stopped: true }> {
    const watch = this.watches.get(watchId);
    if (!watch) throw notFound('WATCH_NOT_FOUND', watchId);
    await this.end(watch);
    return { stopped: true };
  }

  list(sessionId?: string): { watches: Array<{ watchId: string; sessionId: string; path: string }> } {
    return {
      watches: [...this.watches.values()]
        .filter((w) => sessionId === undefined || w.sessionId === sessionId)
        .map((w) => ({ watchId: w.watchId, sessionId: w.sessionId, path: w.path })),
    };
  }

  /** The session ended: its watches end with it. */
  sessionEnded(sessionId: string): void {
    for (const watch of this.watches.values()) {
      if (watch.sessionId !== sessionId) continue;
      void this.end(watch);
      watch.onEnd?.(`session ${sessionId} ended`);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => this.end(w)));
  }

  private changed(watch: Watch, ctx: CallContext & { didRun: WatchListener['didRun'] }): void {
    if (watch.stopped) return;
    clearTimeout(watch.timer);
    watch.timer = setTimeout(() => {
      if (watch.running) watch.again = true;
      else void this.run(watch, ctx);
    }, watch.debounceMs);
  }

  private async run(watch: Watch, ctx: CallContext & { didRun: WatchListener['didRun'] }): Promise<void> {
    watch.running = true;
    try {
      do {
        watch.again = false;
        const live = this.live.find(watch.sessionId);
        if (!live || watch.stopped) return;
        try {
          const { execution } = await this.executions.runRaw({ sessionId: watch.sessionId, kind: 'run_file', path: watch.path, queue: true }, ctx);
          const { events, ...record } = execution;
          ctx.didRun(watch.watchId, record, events);
        } catch {
          // File deleted mid-edit or session gone: the next change tries again.
        }
        // Imports may have changed with the edit.
        watch.files.update(this.watchedPaths(live.worktreePath, watch.path, live.settings.resolver.extensions));
      } while (watch.again && !watch.stopped);
    } finally {
      watch.running = false;
    }
  }

  private watchedPaths(worktreePath: string, relativePath: string, extensions: string[]): string[] {
    const deps = this.watcher.dependenciesOf(worktreePath, relativePath, extensions);
    return [relativePath, ...deps].map((p) => `${worktreePath}/${p}`);
  }

  private async end(watch: Watch): Promise<void> {
    watch.stopped = true;
    clearTimeout(watch.timer);
    this.watches.delete(watch.watchId);
    await watch.files.close();
  }
}
