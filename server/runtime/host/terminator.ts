/**
 * Stopping running code: V8's `Runtime.terminateExecution`, sent through a
 * host-side inspector session (isolated-vm 5.0.4 has no terminate call of its
 * own). It interrupts a script within a millisecond and leaves the isolate
 * and its state usable. The session is opened only to stop something and
 * closed again as soon as the isolate is idle.
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

export class Terminator {
  private session: ivm.InspectorSession | undefined;
  private seq = 0;

  constructor(private readonly isolate: ivm.Isolate) {}

  get open(): boolean {
    return this.session !== undefined;
  }

  /** Interrupts whatever JavaScript the isolate runs now. */
  terminate(): void {
    if (!this.session) {
      this.session = this.isolate.createInspectorSession();
      this.session.onResponse = () => undefined;
      this.session.onNotification = () => undefined;
    }
    this.session.dispatchProtocolMessage(JSON.stringify({ id: ++this.seq, method: 'Runtime.terminateExecution' }));
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
    try {
      session.dispose();
    } catch {
      graveyard.push(session);
    }
    return true;
  }

  /** The session can be neither closed nor collected: keep it. */
  retire(): void {
    if (this.session) graveyard.push(this.session);
    this.session = undefined;
  }
}
