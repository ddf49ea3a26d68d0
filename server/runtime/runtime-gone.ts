/**
 * The one outcome of an execution whose session's runtime is gone: its
 * isolate died (memory limit), its host died or was killed, or the session
 * was closed or never reached its host. Built on both sides of the IPC (the
 * pool when a host dies, the host when a session is gone), always the same
 * way: an `exception` event closes the execution's stream, the outcome is
 * `error`, and `sessionCrashed` tells the core to mark the session crashed.
 */
import type { ExceptionPayload } from '../protocol';
import type { ExecOutcome, RuntimeEvent } from '../core/ports';

export function goneError(message: string): ExceptionPayload {
  return { name: 'Error', message, stack: `Error: ${message}` };
}

/**
 * `message` is what the execution reports, `reason` (default: the message)
 * what the session reports; `emit` gets the closing event (a sink that
 * throws is the sink's problem: the outcome stands).
 */
export function runtimeGone(emit: (event: RuntimeEvent) => void, message: string, opts: { reason?: string; wallMs?: number } = {}): ExecOutcome {
  const error = goneError(message);
  try {
    emit({ type: 'exception', ts: new Date().toISOString(), payload: error });
  } catch {
    // see above
  }
  return { status: 'error', error, cpuMs: 0, wallMs: opts.wallMs ?? 0, sessionCrashed: opts.reason ?? message };
}
