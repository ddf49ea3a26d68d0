import type { Event, Execution, ExecutionWithEvents, InputEchoPayload } from '../protocol';
import type { ExecOutcome, StorePort } from './ports';

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

  start(echo: InputEchoPayload): void {
    this.store.putExecution(this.execution);
    this.record({ type: 'input_echo', ts: this.execution.startedAt, payload: echo });
  }

  record(event: { type: Event['type']; ts: string; payload: unknown }): void {
    if (this.events.length >= this.maxEvents) return;
    const full: Event = { executionId: this.execution.id, seq: this.events.length + 1, ts: event.ts, type: event.type, payload: event.payload };
    if (event.type === 'console') this.outputBytes += utf8.encode((event.payload as { text: string }).text).length;
    this.events.push(full);
    this.store.appendEvents([full]);
    try {
      this.push?.(full);
    } catch {
      // A client that went away must not break the recording.
    }
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
    this.store.putExecution(execution);
    return { ...execution, events: this.events };
  }
}
