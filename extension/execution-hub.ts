/**
 * Where executions meet the UI. A run is opened when the extension sends a
 * request (or when a watch run shows up), its events arrive live as
 * `executions/event` notifications and again in the final answer; the hub
 * binds them to the run, drops duplicates (by `seq`) and fans each run out to
 * the sinks: output channel, REPL panel, diagnostics, decorations, status bar.
 * No `vscode` import: unit-tested with fake sinks.
 */
import type { Event, Execution, ExecutionKind } from '../server/protocol';

export interface RunMeta {
  sessionId: string;
  /** Workspace folder (uri string) the session belongs to. */
  folder: string;
  kind: ExecutionKind;
  /** Who asked: a command, the REPL panel or a daemon watch. */
  origin: 'command' | 'repl' | 'watch';
  /** Header text: file path or the REPL input's first line. */
  title: string;
  /** Worktree-relative file the run concerns (run file, watch, selection's file). */
  path?: string;
  /** 0-based line for the inline value (last non-blank line, selection end). */
  valueLine?: number;
  /** 0-based line for an exception without a location (selection start). */
  fallbackLine?: number;
  template?: string;
}

export interface Run {
  readonly id: number;
  readonly meta: RunMeta;
  executionId?: string;
  readonly events: Event[];
  execution?: Execution;
  /** Set when the request failed (JSON-RPC error, cancellation, daemon gone). */
  error?: unknown;
  done: boolean;
}

export interface RunSink {
  begin?(run: Run): void;
  event?(run: Run, event: Event): void;
  end?(run: Run): void;
}

export interface LiveEvent {
  sessionId: string;
  executionId: string;
  event: Event;
}

export class ExecutionHub {
  private nextId = 1;
  private readonly open: Run[] = [];
  private readonly sinks: RunSink[] = [];

  /**
   * @param adopt meta for an execution nobody asked for (a watch run streaming
   *   live), or undefined to ignore it (e.g. startup files during a replay).
   */
  constructor(private readonly adopt: (sessionId: string, executionId: string) => RunMeta | undefined = () => undefined) {}

  addSink(sink: RunSink): void {
    this.sinks.push(sink);
  }

  begin(meta: RunMeta): Run {
    const run: Run = { id: this.nextId++, meta, events: [], done: false };
    this.open.push(run);
    this.emit((s) => s.begin?.(run));
    return run;
  }

  /** A live `executions/event` notification. */
  onLiveEvent(n: LiveEvent): void {
    let run = this.open.find((r) => r.executionId === n.executionId);
    if (!run) {
      run = this.open.find((r) => r.executionId === undefined && r.meta.sessionId === n.sessionId && r.meta.origin !== 'watch');
      if (run) run.executionId = n.executionId;
    }
    if (!run) {
      const meta = this.adopt(n.sessionId, n.executionId);
      if (!meta) return;
      run = this.begin(meta);
      run.executionId = n.executionId;
    }
    this.feed(run, [n.event]);
  }

  /** The request answered: events not seen live are delivered, then the run ends. */
  finish(run: Run, result: Execution & { events?: readonly Event[] }): void {
    if (run.done) return;
    run.executionId = result.id;
    this.feed(run, result.events ?? []);
    const { events: _events, ...execution } = result;
    run.execution = execution;
    this.close(run);
  }

  /** The request failed; `execution` when the failure still left one (limits). */
  fail(run: Run, error: unknown, execution?: Execution): void {
    if (run.done) return;
    run.error = error;
    run.execution = execution;
    this.close(run);
  }

  /** A `watch/didRun`: the whole run at once (possibly after live events). */
  watchRun(execution: Execution, events: readonly Event[], meta: RunMeta): Run {
    let run = this.open.find((r) => r.executionId === execution.id);
    if (!run) {
      run = this.begin(meta);
      run.executionId = execution.id;
    }
    this.finish(run, { ...execution, events });
    return run;
  }

  isRunning(sessionId: string): boolean {
    return this.open.some((r) => r.meta.sessionId === sessionId);
  }

  /** Open runs of a session, oldest first. */
  runsOf(sessionId: string): readonly Run[] {
    return this.open.filter((r) => r.meta.sessionId === sessionId);
  }

  /** Ends every open run (the daemon went away). */
  failAll(error: unknown): void {
    for (const run of this.open.slice()) this.fail(run, error);
  }

  private feed(run: Run, events: readonly Event[]): void {
    const last = run.events.length ? run.events[run.events.length - 1].seq : 0;
    const fresh = events.filter((e) => e.seq > last).sort((a, b) => a.seq - b.seq);
    for (const e of fresh) {
      if (run.events.length && e.seq <= run.events[run.events.length - 1].seq) continue;
      run.events.push(e);
      this.emit((s) => s.event?.(run, e));
    }
  }

  private close(run: Run): void {
    run.done = true;
    const i = this.open.indexOf(run);
    if (i >= 0) this.open.splice(i, 1);
    this.emit((s) => s.end?.(run));
  }

  private emit(f: (s: RunSink) => void): void {
    for (const s of this.sinks) {
      try {
        f(s);
      } catch (err) {
        // One broken view must not stop the others.
        console.error('vm-system: run sink failed', err);
      }
    }
  }
}
