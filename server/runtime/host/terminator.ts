/**
 * Stopping running code: V8's `Runtime.terminateExecution`, sent through a
 * host-side inspector session (isolated-vm 5.0.4 has no terminate call of its
 * own). It interrupts a script within a millisecond and leaves the isolate
 * and its state usable. The session is opened only to stop something (or to
 * evaluate a preview, see preview.ts) and closed again once an execution
 * has ended and the isolate is idle.
 *
 * Inspector sessions need care (all observed with isolated-vm 5.0.4 on
 * Node 20, each one hangs or crashes the whole host):
 * - disposing an idle isolate while a session is open hangs;
 * - disposing the isolate right after closing its session crashed;
 * - closing the session of a busy isolate, then disposing it, crashed;
 * - closing, or merely garbage-collecting, the session of an isolate that is
 *   already gone (memory limit) hangs.
 * Hence: close only while the isolate is alive and idle (then let it process
 * that before anything else), and a session that cannot be closed is kept
 * referenced forever (`retire`), never collected.
 */
import type ivm from './ivm';

const graveyard: ivm.InspectorSession[] = [];

/** An inspector error answer (`{code, message}`), or the session closed before the answer came. */
export class InspectorError extends Error {}

type Pending = { resolve(result: Record<string, unknown>): void; reject(error: Error): void };

export class Terminator {
  private session: ivm.InspectorSession | undefined;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** Listeners for inspector notifications (`{method, params}`), while a post() wants them. */
  private readonly listeners = new Set<(method: string, params: Record<string, unknown>) => void>();

  constructor(private readonly isolate: ivm.Isolate) {}

  get open(): boolean {
    return this.session !== undefined;
  }

  private ensure(): ivm.InspectorSession {
    if (this.session) return this.session;
    const session = this.isolate.createInspectorSession();
    session.onResponse = (_callId, message) => {
      let answer: { id?: number; result?: Record<string, unknown>; error?: { message?: string } };
      try {
        answer = JSON.parse(message);
      } catch {
        return;
      }
      const waiting = typeof answer.id === 'number' ? this.pending.get(answer.id) : undefined;
      if (!waiting) return;
      this.pending.delete(answer.id!);
      if (answer.error) waiting.reject(new InspectorError(answer.error.message ?? 'inspector error'));
      else waiting.resolve(answer.result ?? {});
    };
    session.onNotification = (message) => {
      if (this.listeners.size === 0) return;
      try {
        const { method, params } = JSON.parse(message) as { method: string; params: Record<string, unknown> };
        for (const listener of this.listeners) listener(method, params ?? {});
      } catch {
        // not for us
      }
    };
    this.session = session;
    return session;
  }

  /** Interrupts whatever JavaScript the isolate runs now. */
  terminate(): void {
    this.ensure().dispatchProtocolMessage(JSON.stringify({ id: ++this.seq, method: 'Runtime.terminateExecution' }));
  }

  /**
   * One inspector command (used by previews, see preview.ts); answers its result.
   * `onNotification` hears the notifications that arrive until the answer does.
   */
  post(method: string, params: Record<string, unknown>, onNotification?: (method: string, params: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
    const session = this.ensure();
    const id = ++this.seq;
    if (onNotification) this.listeners.add(onNotification);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      session.dispatchProtocolMessage(JSON.stringify({ id, method, params }));
    }).finally(() => {
      if (onNotification) this.listeners.delete(onNotification);
    });
  }

  /** Answers still awaited fail: their session is going. */
  private failPending(): void {
    for (const waiting of this.pending.values()) waiting.reject(new InspectorError('the inspector session was closed'));
    this.pending.clear();
  }

  /** Closes the session; only while the isolate is alive and idle. The caller then makes one call into the isolate before anything else. */
  closeIdle(): boolean {
    if (!this.session) return false;
    if (this.isolate.isDisposed) {
      this.retire();
      return false;
    }
    const session = this.session;
    this.session = undefined;
    this.failPending();
    try {
      session.dispose();
    } catch {
      graveyard.push(session);
    }
    return true;
  }

  /** The session can be neither closed nor collected: keep it. */
  retire(): void {
    this.failPending();
    if (this.session) graveyard.push(this.session);
    this.session = undefined;
  }
}
