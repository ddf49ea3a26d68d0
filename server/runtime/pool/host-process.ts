/**
 * One runtime-host child process, seen from the daemon: requests with
 * answers, the executions it runs (events forwarded to their sinks as they
 * arrive), and its death. A host dying for any reason (exit, signal, killed
 * for memory or for not answering) never throws here: its running executions
 * resolve as `error` with `sessionCrashed`, its idle sessions are reported
 * lost, and pending requests reject.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { RuntimeStartError, type ExecOutcome, type ExecRequest, type ExecSink, type RuntimeEvent } from '../../core/ports';
import { MAX_PROMPT_ANSWER_CHARS } from '../../protocol';
import { hostEnvironment } from './host-env';
import type { DaemonToHost, HostBatch, HostError, HostOp, HostRequests, HostToDaemon } from '../messages';
import { runtimeGone } from '../runtime-gone';

/** A request the host did not answer: it died, or did not answer in time. */
export class HostRequestError extends Error {
  constructor(message: string, readonly timedOut = false) {
    super(message);
  }
}

interface Running { sessionId: string; sink: ExecSink; resolve: (o: ExecOutcome) => void; started: number; backstop: NodeJS.Timeout }

/** How long past its wall limit an execution may go before the host counts as hung and is killed. */
const BACKSTOP_GRACE_MS = 3000;

export interface HostProcessOptions {
  hostScript: string;
  execArgv: string[];
  log: (line: string) => void;
  /** The host died; `idle` are its sessions that were not running an execution. */
  onDeath: (host: HostProcess, reason: string, idle: string[]) => void;
  onSessionLost: (host: HostProcess, sessionId: string, reason: string) => void;
}

export class HostProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly sessions = new Set<string>();
  readonly ready: Promise<void>;
  rssMb = 0;
  dead: string | undefined;
  private deathReason: string | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }>();
  private readonly running = new Map<string, Running>();
  private onReady!: () => void;

  constructor(private readonly opts: HostProcessOptions) {
    this.child = fork(opts.hostScript, [], {
      execArgv: opts.execArgv,
      env: hostEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.pid = this.child.pid ?? 0;
    // stdout belongs to the daemon's protocol: whatever a host prints goes to the log.
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) opts.log(`[runtime-host ${this.pid}] ${line}`);
      });
    }
    this.ready = new Promise<void>((resolve, reject) => {
      this.onReady = resolve;
      this.child.once('exit', () => reject(new Error(this.dead ?? 'the runtime host exited during startup')));
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (batch: HostBatch) => {
      for (const m of batch) this.onMessage(m);
    });
    this.child.on('error', (err) => {
      this.deathReason ??= `the runtime host failed: ${err.message}`;
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    });
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  get busySessions(): Set<string> {
    return new Set([...this.running.values()].map((r) => r.sessionId));
  }

  private post(message: DaemonToHost): void {
    if (this.alive && this.child.connected) this.child.send(message);
  }

  request<K extends HostOp>(op: K, params: HostRequests[K]['params'], timeoutMs?: number): Promise<HostRequests[K]['result']> {
    if (!this.alive) return Promise.reject(new HostRequestError(this.dead!));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const entry: { resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout } = { resolve: resolve as (v: unknown) => void, reject };
      if (timeoutMs) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new HostRequestError(`the runtime host did not answer ${op} within ${timeoutMs} ms`, true));
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      this.post({ type: 'request', id, op, params } as DaemonToHost);
    });
  }

  execute(request: ExecRequest, sink: ExecSink): Promise<ExecOutcome> {
    return new Promise<ExecOutcome>((resolve) => {
      const started = performance.now();
      const backstop = setTimeout(() => {
        this.kill(`the runtime host stopped responding: an execution ran ${BACKSTOP_GRACE_MS} ms past its wall time limit`);
      }, request.limits.wallMs + BACKSTOP_GRACE_MS);
      this.running.set(request.executionId, { sessionId: request.sessionId, sink, resolve, started, backstop });
      this.request('execute', { request }).then(
        (outcome) => this.endExecution(request.executionId, outcome),
        (err: Error) => this.endExecution(request.executionId, this.crashOutcome(request.executionId, err.message)),
      );
    });
  }

  cancel(sessionId: string, executionId: string): void {
    this.post({ type: 'cancel', sessionId, executionId });
  }

  /** Ends the host; `reason` becomes what its sessions report. */
  kill(reason: string): void {
    if (!this.alive) return;
    this.deathReason ??= reason;
    this.child.kill('SIGKILL');
  }

  private endExecution(executionId: string, outcome: ExecOutcome): void {
    const run = this.running.get(executionId);
    if (!run) return;
    this.running.delete(executionId);
    clearTimeout(run.backstop);
    run.resolve(outcome);
  }

  /** The outcome of an execution whose host died under it; its closing event is emitted here. */
  private crashOutcome(executionId: string, reason: string): ExecOutcome {
    const run = this.running.get(executionId);
    const emit = (event: RuntimeEvent) => { if (run) safely(() => run.sink.event(event), this.opts.log); };
    return runtimeGone(emit, `The session's runtime crashed: ${reason}`, { reason, wallMs: run ? Math.round(performance.now() - run.started) : 0 });
  }

  private onMessage(m: HostToDaemon): void {
    switch (m.type) {
      case 'response': {
        const entry = this.pending.get(m.id);
        if (!entry) return;
        this.pending.delete(m.id);
        if (entry.timer) clearTimeout(entry.timer);
        if (m.ok) entry.resolve(m.result);
        else entry.reject(requestError(m.error));
        return;
      }
      case 'event': {
        const run = this.running.get(m.executionId);
        if (run) safely(() => run.sink.event(m.event), this.opts.log);
        return;
      }
      case 'prompt': {
        const run = this.running.get(m.executionId);
        const answer = run ? Promise.resolve().then(() => run.sink.prompt(m.message)) : Promise.resolve(null);
        answer.then(
          (value) => {
            const fits = typeof value === 'string' && value.length <= MAX_PROMPT_ANSWER_CHARS;
            if (typeof value === 'string' && !fits) this.opts.log(`runtime: a prompt answer of ${value.length} characters exceeds ${MAX_PROMPT_ANSWER_CHARS}; prompt() gets null`);
            this.post({ type: 'promptReply', promptId: m.promptId, value: fits ? value : null });
          },
          () => this.post({ type: 'promptReply', promptId: m.promptId, value: null }),
        );
        return;
      }
      case 'sessionLost':
        this.sessions.delete(m.sessionId);
        this.opts.onSessionLost(this, m.sessionId, m.reason);
        return;
      case 'fatal':
        this.deathReason ??= m.reason;
        return;
      case 'ready':
        this.onReady();
        return;
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.dead) return;
    const reason = this.deathReason ?? (signal ? `the runtime host was killed by ${signal}` : `the runtime host exited with code ${code}`);
    this.dead = reason;
    for (const [id, entry] of this.pending) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(new HostRequestError(reason));
      this.pending.delete(id);
    }
    const busy = this.busySessions;
    for (const executionId of [...this.running.keys()]) this.endExecution(executionId, this.crashOutcome(executionId, reason));
    const idle = [...this.sessions].filter((s) => !busy.has(s));
    this.sessions.clear();
    safely(() => this.opts.onDeath(this, reason, idle), this.opts.log);
  }
}

/** A request's error answer: a start failure is a RuntimeStartError again, with its code; anything else a plain Error. */
function requestError(error: HostError): Error {
  return error.startFailure ? new RuntimeStartError(error.message, error.startFailure) : new Error(error.message);
}

function safely(fn: () => void, log: (line: string) => void): void {
  try {
    fn();
  } catch (err) {
    log(`runtime: a listener threw: ${err instanceof Error ? err.stack : String(err)}`);
  }
}
