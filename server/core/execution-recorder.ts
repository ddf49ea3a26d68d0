import type { Event, Execution, ExecutionWithEvents, InputEchoPayload } from '../protocol';
import type { ExecOutcome, RuntimeEvent, StorePort, UnnumberedEvent } from './ports';

/**
 * Numbers, persists and pushes the events of one execution. Seq is gapless
 * and starts at 1; an event beyond `maxEvents` is never recorded, whatever
 * the runtime sends (it stops the code itself; the seq is this fence's count).
 * Output bytes are the runtime's count (ExecOutcome.outputBytes): it counts
 * them anyway to stop code at `maxOutputKb`, so they are not counted again here.
 */
export class ExecutionRecorder {
  readonly events: Event[] = [];
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
        outputBytes: outcome.outputBytes ?? 0,
      },
    };
    if (outcome.result) execution.result = outcome.result;
    if (outcome.error) execution.error = outcome.error;
    this.store.finishExecution(execution);
    return { ...execution, events: this.events };
  }

  /** Gives the event its seq; undefined once `maxEvents` are recorded. */
  private number(event: UnnumberedEvent): Event | undefined {
    if (this.events.length >= this.maxEvents) return undefined;
    const full: Event = { executionId: this.execution.id, seq: this.events.length + 1, ...event };
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
