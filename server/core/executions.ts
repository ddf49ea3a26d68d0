import type { Execution, ExecutionKind, ExecutionWithEvents, Event, InputEchoPayload, LineCoverage } from '../protocol';
import type { CallContext } from './context';
import { DomainError, notFound } from './errors';
import { ExecutionRecorder } from './execution-recorder';
import type { LiveSession, LiveSessions } from './live-sessions';
import type { ClockPort, ExecOutcome, FilesPort, IdPort, RuntimePort, StorePort } from './ports';

export interface RunRequest {
  sessionId: string;
  kind: ExecutionKind;
  input?: string;
  path?: string;
  /** run_file: the text to run as if `path` held it (unsaved editor text). */
  content?: string;
  /** run_file: answer which lines ran (not recorded: it belongs to this answer only). */
  coverage?: boolean;
  args?: Record<string, unknown>;
  env?: Record<string, unknown>;
  queue?: boolean;
  /** The original execution this one re-runs (session replay). */
  replayOf?: string;
}

/** Outcome of a run before it is turned into an answer (startup wants the outcome, clients want errors). */
export interface RunResult { execution: ExecutionWithEvents; outcome: ExecOutcome; cancelledBy?: 'request' | 'cancel' }

/**
 * Runs code in live sessions and answers questions about recorded
 * executions. One execution at a time per session (LiveSessions holds the
 * slot while the code runs); everything recorded is flushed before a call returns.
 */
export class ExecutionService {
  constructor(
    private readonly store: StorePort,
    private readonly runtime: RuntimePort,
    private readonly files: FilesPort,
    private readonly live: LiveSessions,
    private readonly clock: ClockPort,
    private readonly ids: IdPort,
    private readonly onSessionCrashed: (sessionId: string, reason: string) => void,
  ) {}

  /** executions/repl and executions/runFile: errors for limits and cancellation, the execution otherwise. */
  async run(request: RunRequest, ctx: CallContext): Promise<ExecutionWithEvents & { coverage?: LineCoverage }> {
    const { execution, outcome, cancelledBy } = await this.runRaw(request, ctx);
    if (outcome.refused) throw new DomainError(outcome.refused.code, outcome.refused.message, { path: request.path, executionId: execution.id });
    if (outcome.status === 'limit_exceeded') {
      throw new DomainError('OUTPUT_LIMIT_EXCEEDED', `execution ${execution.id} stopped: ${outcome.limit ?? 'output'} limit reached`,
        { executionId: execution.id, limit: outcome.limit ?? 'maxEvents' });
    }
    if (outcome.status === 'cancelled' && cancelledBy) {
      throw new DomainError('REQUEST_CANCELLED', `execution ${execution.id} was cancelled`, { executionId: execution.id });
    }
    return outcome.coverage ? { ...execution, coverage: outcome.coverage } : execution;
  }

  /** Runs one execution to its end and records it; only refusals before it starts throw. */
  async runRaw(request: RunRequest, ctx: CallContext): Promise<RunResult> {
    const live = this.live.require(request.sessionId);
    const path = request.path === undefined ? undefined : this.checkPath(live, request.path, request.content !== undefined);
    const executionId = this.ids.newId();
    if (ctx.cancellation?.isCancellationRequested) throw new DomainError('REQUEST_CANCELLED', 'request cancelled before it started');
    const { running, release } = await this.live.acquire(live, executionId, request.queue ?? false, ctx.cancellation);
    const onAbort = (): void => { running.cancelledBy ??= 'request'; this.runtime.cancel(live.id, executionId); };
    const cancelling = ctx.cancellation?.onCancellationRequested(onAbort);
    if (ctx.cancellation?.isCancellationRequested) onAbort(); // cancelled while queued for the slot: the listener will not fire
    try {
      let result: Omit<RunResult, 'cancelledBy'>;
      try {
        result = await this.execute(live, executionId, { ...request, path }, ctx);
      } finally {
        cancelling?.dispose();
        // The slot is free once the code has ended: a queued execution runs while this
        // one's records are synced (the journal keeps them in order).
        release();
      }
      await this.store.flush();
      return { ...result, cancelledBy: result.outcome.status === 'cancelled' ? running.cancelledBy : undefined };
    } finally {
      running.markRecorded();
    }
  }

  private async execute(live: LiveSession, executionId: string, request: RunRequest, ctx: CallContext): Promise<Omit<RunResult, 'cancelledBy'>> {
    const limits = live.settings.limits;
    const execution: Execution = {
      id: executionId, sessionId: live.id, kind: request.kind, args: request.args ?? {}, env: request.env ?? {},
      status: 'running', startedAt: this.clock.now().toISOString(), metrics: { wallMs: 0, cpuMs: 0, events: 0, outputBytes: 0 },
    };
    if (request.input !== undefined) execution.input = request.input;
    if (request.path !== undefined) execution.path = request.path;
    if (request.replayOf !== undefined) execution.replayOf = request.replayOf;
    const push = ctx.onEvent ? (event: Event) => ctx.onEvent!(live.id, event) : undefined;
    const recorder = new ExecutionRecorder(execution, this.store, limits.maxEvents, push);
    const echo: InputEchoPayload = request.kind === 'repl' ? { text: request.input ?? '' } : { path: request.path ?? '', args: execution.args };

    // The runtime gets the code first and the start is recorded while it runs: that
    // bookkeeping is off the critical path. Runtime events arrive as messages, so
    // none can be recorded before the echo (the port promises no synchronous events).
    const running = this.runtime.execute({
      sessionId: live.id, executionId, kind: request.kind, code: request.input, path: request.path, content: request.content, coverage: request.coverage,
      args: execution.args, env: execution.env, limits, resolver: live.settings.resolver, runtime: live.settings.runtime,
      eventsUsed: 1, // the input echo
    }, {
      event: (event) => recorder.record(event),
      prompt: (message) => (ctx.prompt ? ctx.prompt(executionId, message) : Promise.resolve(null)),
    });
    recorder.start(echo);
    const outcome = await running;

    const done = recorder.finish(outcome, this.clock.now().toISOString());
    if (outcome.sessionCrashed) this.onSessionCrashed(live.id, outcome.sessionCrashed);
    return { execution: done, outcome };
  }

  /** executions/cancel: stops a running execution and answers it once it has ended. */
  async cancel(executionId: string): Promise<Execution> {
    const running = this.live.running(executionId);
    if (running) {
      running.cancelledBy ??= 'cancel';
      this.runtime.cancel(running.sessionId, executionId);
      await running.recorded;
    } else {
      await this.store.flush(); // it may have ended a moment ago: answer what is on disk
    }
    return this.get(executionId);
  }

  get(executionId: string): Execution {
    const execution = this.store.getExecution(executionId);
    if (!execution) throw notFound('EXECUTION_NOT_FOUND', executionId);
    return execution;
  }

  list(sessionId: string, limit: number, beforeId?: string): { executions: Execution[] } {
    if (!this.store.getSession(sessionId)) throw notFound('SESSION_NOT_FOUND', sessionId);
    if (beforeId !== undefined) {
      const before = this.store.getExecution(beforeId);
      if (!before || before.sessionId !== sessionId) {
        throw new DomainError('VALIDATION_ERROR', `beforeId ${beforeId} is not an execution of session ${sessionId}`, { field: 'beforeId' });
      }
    }
    return { executions: this.store.listExecutions({ sessionId, limit, beforeId }) };
  }

  events(executionId: string, afterSeq: number, limit: number): { events: Event[] } {
    this.get(executionId);
    return { events: this.store.listEvents({ executionId, afterSeq, limit }) };
  }

  runningCount(): number { return this.live.runningCount(); }

  /** Waits for what runs in a session to end after asking it to stop (session close, restart). */
  async stopSession(sessionId: string): Promise<void> {
    const running = this.live.find(sessionId)?.running;
    if (!running) return;
    running.cancelledBy ??= 'cancel';
    this.runtime.cancel(sessionId, running.executionId);
    await running.recorded;
  }

  private checkPath(live: LiveSession, path: string, supplied: boolean): string {
    const check = supplied ? this.files.resolveTarget(live.worktreePath, path) : this.files.resolveFile(live.worktreePath, path);
    if (!check.ok) throw new DomainError(check.code, check.message, { path });
    return check.relativePath;
  }
}
