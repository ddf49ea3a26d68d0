import type { Event, Execution, ExecutionWithEvents, InputEchoPayload } from '../protocol';
import type { ExecOutcome, RuntimeEvent, StorePort, UnnumberedEvent } from './ports';

const utf8 = new TextEncoder();

/**
 * Numbers, persists and pushes the events of one execution. Seq is gapless
 * and starts at 1; an event beyond `maxEvents` is never recorded, whatever
 * the runtime sends (it stops the code itself; this is the second fence).
 */
export class ExecutionRecorder {
  readonly events: Event[] = [];
  private outputBytes = 0;
  private readonly startedMs = Date.now();

  constructor(
    readonly execution: Execution,
    private readonly store: StorePort,
    private readonly maxEvents: number,
    private readonly push: ((event: Event) => void) | undefined,
  ) {}

  /** The execution and its input echo (seq 1) are one write. */
  start(echo: InputEchoPayload): void {
    const first = this.number({ type: 'input_echo', ts: this.execution.startedAt, payload: echo });
    this.store.startExecution(this.execution, first ? [first] : []);
    if (first) this.pushSafely(first);
  }

  record(event: RuntimeEvent): void {
    const full = this.number(event);
    if (!full) return;
    this.store.appendEvents([full]);
    this.pushSafely(full);
  }

  finish(outcome: ExecOutcome, endedAt: string): ExecutionWithEvents {
    const execution: Execution = {
      ...this.execution,
      status: outcome.status,
      endedAt,
      metrics: {
        wallMs: outcome.wallMs || Date.now() - this.startedMs,
        cpuMs: outcome.cpuMs,
        events: this.events.length,
        outputBytes: this.outputBytes,
      },
    };
    if (outcome.result) execution.result = outcome.result;
    if (outcome.error) execution.error = outcome.error;
    this.store.finishExecution(execution);
    return { ...execution, events: this.events };
  }

  /** Gives the event its seq and counts it; undefined once `maxEvents` are recorded. */
  private number(event: UnnumberedEvent): Event | undefined {
    if (this.events.length >= this.maxEvents) return undefined;
    const full: Event = { executionId: this.execution.id, seq: this.events.length + 1, ...event };
    if (event.type === 'console') this.outputBytes += utf8.encode(event.payload.text).length;
    if (event.type === 'display') {
      for (const value of Object.values(event.payload.data)) this.outputBytes += utf8.encode(value).length;
    }
    this.events.push(full);
    return full;
  }

  private pushSafely(event: Event): void {
    try {
      this.push?.(event);
    } catch {
      // A client that went away must not break the recording.
    }
  }
}
