/**
 * The state of one execution inside a runtime host: its events and their
 * limits, how it ends, and the one closing event.
 *
 * It ends when (a) its result has settled and no timer it scheduled is
 * pending and nothing is running in the isolate, or (b) it failed (a throw, a
 * rejection, an uncaught error in a timer), or (c) it was stopped (wall/CPU
 * time, cancel, output limits), or (d) its isolate died (memory limit).
 * Events go out as they happen: console events, then exactly one of `value`
 * (ok), `exception` (error) or `system` (timeout, cancelled, limit_exceeded).
 */
import type { ExecOutcome, ExecRequest, RuntimeEvent } from '../../core/ports';
import type { ConsoleLevel, DisplayPayload, ExceptionPayload, SourceLocation, ValuePayload, ValueType } from '../../protocol';
import type { RawException, RawValue } from '../isolate/bridge';
import { fromCopied, fromRaw, ImportRefused, type SourceMaps } from './errors';
import { Watchdog, type LimitKind } from './limits';
import type ivm from './ivm';

/** What an execution needs from its session. */
export interface ExecutionHost {
  readonly isolate: ivm.Isolate;
  readonly sourceMaps: SourceMaps;
  readonly memMb: number;
  /** Calls running or queued in the isolate for this execution. */
  inFlight(): number;
  pendingTimers(): number;
  clearTimers(): void;
  /** Interrupts whatever runs in the isolate now (state is kept). */
  terminate(): void;
  /** Last resort: the isolate is disposed, the session is lost. */
  dispose(reason: string): Promise<void>;
  /** Why the isolate was disposed, when it was. */
  disposedReason(): string | undefined;
}

interface StopInfo { status: 'timeout' | 'cancelled' | 'limit_exceeded'; level: 'warn' | 'error'; message: string; limit?: 'maxEvents' | 'maxOutputKb' }

/** A call that was not made because the execution is already stopping. */
export class Skipped extends Error {}

/** The abort reason of an ended execution's signal (abort() without one builds a DOMException and its stack, every time). */
const ENDED = new Error('the execution ended');

/** Time given to a terminated script to unwind before its isolate is disposed. */
const STOP_GRACE_MS = 1000;

const VALUE_TYPES = new Set<string>(['undefined', 'null', 'boolean', 'number', 'bigint', 'string', 'symbol', 'function', 'array', 'object', 'date', 'regexp', 'map', 'set', 'error', 'promise']);

export class Execution {
  readonly id: string;
  /** Made on first use of `signal`: most executions never ask, and making and aborting one costs ~10 µs. */
  private controller: AbortController | undefined;
  private ended = false;
  readonly watchdog: Watchdog;
  readonly done: Promise<ExecOutcome>;
  private resolveDone!: (outcome: ExecOutcome) => void;
  private stopInfo: StopInfo | undefined;
  private failure: ExceptionPayload | undefined;
  /** An ES module import refused before any code ran (the request answers its code). */
  private refused: ExecOutcome['refused'];
  private crashed: string | undefined;
  private value: ValuePayload | undefined;
  private settled = false;
  private finished = false;
  private events: number;
  private outputBytes = 0;
  private escalation: NodeJS.Timeout | undefined;

  constructor(private readonly host: ExecutionHost, readonly request: ExecRequest, private readonly send: (event: RuntimeEvent) => void) {
    this.id = request.executionId;
    this.events = request.eventsUsed;
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
    this.watchdog = new Watchdog(host.isolate, request.limits.wallMs, request.limits.cpuMs, (kind) => this.onLimit(kind));
  }

  start(): void {
    if (!this.stopping) this.watchdog.start();
  }

  /** Aborted once the execution stops or ends (module calls and prompts listen to it). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort(ENDED);
    }
    return this.controller.signal;
  }

  /** On stop and on finish: whatever listens to the signal lets go. */
  private end(): void {
    this.ended = true;
    this.controller?.abort(ENDED);
  }

  /** The exception the execution failed with, unless it was stopped or its isolate died. */
  get exception(): ExceptionPayload | undefined {
    return this.stopInfo || this.crashed || this.refused ? undefined : this.failure;
  }

  /** A message of the runtime itself (`_` assignment): a `system` event, level info, counted like any event. */
  onNotice(message: string): boolean {
    if (!this.admit(0)) return false;
    this.emit({ type: 'system', ts: now(), payload: { level: 'info', message } });
    return true;
  }

  /** True once the execution is ending: no further calls into the isolate are made for it. */
  get stopping(): boolean {
    return this.finished || this.stopInfo !== undefined || this.failure !== undefined || this.crashed !== undefined;
  }

  /** isolated-vm's own timeout for a call: the wall time left plus a margin (our watchdog should act first). */
  callTimeout(): number {
    return this.watchdog.remainingMs() + 100;
  }

  // ------------------------------------------------------------ from the isolate

  onConsole(level: string, text: string, location: SourceLocation | undefined): boolean {
    if (!this.admit(Buffer.byteLength(text, 'utf8'))) return false;
    const payload: { level: ConsoleLevel; text: string; location?: SourceLocation } = { level: asLevel(level), text };
    if (location) payload.location = location;
    this.emit({ type: 'console', ts: now(), payload });
    return true;
  }

  /** A display bundle (JSON checked again here: nothing from an isolate is trusted); its strings count as output. */
  onDisplay(dataJson: string, metadataJson: string): boolean {
    if (this.stopping) return false;
    const payload = parseDisplay(dataJson, metadataJson);
    if (!payload) return false;
    let bytes = 0;
    for (const value of Object.values(payload.data)) bytes += Buffer.byteLength(value, 'utf8');
    if (!this.admit(bytes)) return false;
    this.emit({ type: 'display', ts: now(), payload });
    return true;
  }

  /** Room for one more output event of `bytes`; stops the execution (limit_exceeded) when there is none. */
  private admit(bytes: number): boolean {
    if (this.stopping) return false;
    const { maxEvents, maxOutputKb } = this.request.limits;
    // One event must stay free for the closing event.
    if (this.events + 2 > maxEvents) {
      this.stop('limit_exceeded', `Output limit exceeded: more than ${maxEvents} events (maxEvents); execution stopped`, 'maxEvents');
      return false;
    }
    if (this.outputBytes + bytes > maxOutputKb * 1024) {
      this.stop('limit_exceeded', `Output limit exceeded: more than ${maxOutputKb} KB of output (maxOutputKb); execution stopped`, 'maxOutputKb');
      return false;
    }
    this.outputBytes += bytes;
    return true;
  }

  onValue(raw: RawValue): void {
    if (this.settled) return;
    this.settled = true;
    const payload: ValuePayload = { type: (VALUE_TYPES.has(raw.type) ? raw.type : 'object') as ValueType, preview: String(raw.preview) };
    if ('json' in raw && raw.json !== undefined) payload.json = raw.json;
    this.value = payload;
  }

  /** The awaited result rejected, or code threw: the execution fails with the first such error. */
  onError(raw: RawException): void {
    if (this.stopping) return;
    this.failure = fromRaw(raw, this.host.sourceMaps);
  }

  /** A call into the isolate rejected. */
  onCallError(err: unknown): void {
    if (this.finished || err instanceof Skipped) return;
    if (err instanceof ImportRefused && !this.failure) {
      this.refused = { code: err.code, message: err.message };
      this.failure = { name: 'Error', message: err.message, stack: `Error: ${err.message}` };
      return;
    }
    const disposed = this.host.disposedReason() ?? (this.host.isolate.isDisposed ? 'the isolate was disposed' : undefined);
    const message = err instanceof Error ? err.message : '';
    if (/memory limit/i.test(message) || disposed) {
      this.crashed ??= /memory limit/i.test(message) || /memory limit/i.test(disposed ?? '')
        ? `Memory limit of ${this.host.memMb} MB exceeded: the session's isolate was disposed`
        : disposed ?? 'the isolate was disposed';
    } else if (this.stopInfo) {
      // the termination we asked for
    } else if (message === 'Script execution timed out.') {
      this.stop('timeout', this.watchdog.describe('wall'));
    } else if (!this.failure) {
      this.failure = fromCopied(err, this.host.sourceMaps);
    }
  }

  // ------------------------------------------------------------ stopping

  private onLimit(kind: LimitKind): void {
    this.stop('timeout', this.watchdog.describe(kind));
  }

  cancel(message = 'Execution cancelled'): void {
    this.stop('cancelled', message);
  }

  stop(status: StopInfo['status'], message: string, limit?: StopInfo['limit']): void {
    if (this.stopping) return;
    this.stopInfo = { status, level: status === 'cancelled' ? 'warn' : 'error', message, limit };
    this.host.clearTimers();
    this.end(); // pending prompt() calls and module calls let go (they listen to the signal)
    if (this.host.inFlight() > 0) {
      this.host.terminate();
      this.escalation = setTimeout(() => void this.escalate(status), STOP_GRACE_MS);
    }
    this.check();
  }

  /** The code ignored the stop (e.g. blocked in a host call): its isolate goes, and the execution ends without waiting for it. */
  private async escalate(status: StopInfo['status']): Promise<void> {
    if (this.finished) return;
    this.crashed ??= `the code did not stop within ${STOP_GRACE_MS} ms of being ${status === 'cancelled' ? 'cancelled' : 'stopped'}; its isolate was disposed`;
    await this.host.dispose(this.crashed);
    this.finish();
  }

  /** Called after every call into the isolate and after every state change: ends the execution when it can. */
  check(): void {
    if (this.finished || this.host.inFlight() > 0) return;
    if (this.crashed || this.stopInfo || this.failure) return this.finish();
    if (this.settled && this.host.pendingTimers() === 0) this.finish();
  }

  // ------------------------------------------------------------ the end

  private emit(event: RuntimeEvent): void {
    this.events++;
    this.send(event);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.watchdog.stop();
    if (this.escalation) clearTimeout(this.escalation);
    this.host.clearTimers();
    this.end();
    const outcome: ExecOutcome = { status: 'ok', cpuMs: this.watchdog.elapsedCpuMs(), wallMs: this.watchdog.elapsedWallMs(), outputBytes: this.outputBytes };
    if (this.crashed) outcome.sessionCrashed = this.crashed;
    if (this.refused) outcome.refused = this.refused;
    if (this.stopInfo) {
      outcome.status = this.stopInfo.status;
      if (this.stopInfo.limit) outcome.limit = this.stopInfo.limit;
      this.emit({ type: 'system', ts: now(), payload: { level: this.stopInfo.level, message: this.stopInfo.message } });
    } else if (this.crashed || this.failure) {
      outcome.status = 'error';
      outcome.error = this.failure && !this.crashed
        ? this.failure
        : { name: 'Error', message: this.crashed!, stack: `Error: ${this.crashed}` };
      this.emit({ type: 'exception', ts: now(), payload: outcome.error });
    } else {
      outcome.result = this.value ?? { type: 'undefined', preview: 'undefined' };
      this.emit({ type: 'value', ts: now(), payload: outcome.result });
    }
    this.resolveDone(outcome);
  }
}

function parseDisplay(dataJson: string, metadataJson: string): DisplayPayload | undefined {
  try {
    const data = JSON.parse(dataJson) as unknown;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
    const entries = Object.entries(data);
    if (!entries.every(([, v]) => typeof v === 'string') || typeof (data as Record<string, unknown>)['text/plain'] !== 'string') return undefined;
    const payload: DisplayPayload = { data: Object.fromEntries(entries) as Record<string, string> };
    if (metadataJson !== '') {
      const metadata = JSON.parse(metadataJson) as unknown;
      if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) payload.metadata = metadata as Record<string, unknown>;
    }
    return payload;
  } catch {
    return undefined;
  }
}

function asLevel(level: string): ConsoleLevel {
  return level === 'info' || level === 'warn' || level === 'error' || level === 'debug' ? level : 'log';
}

function now(): string {
  return new Date().toISOString();
}
