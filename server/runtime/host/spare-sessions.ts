/**
 * Sessions built ahead of need, for templates with libraries: loading lodash
 * and dayjs into a fresh isolate costs ~8 ms of V8 work even with code
 * caching, against ~1.5 ms for a bare isolate. After such a session is
 * created, the host builds one more of the same kind in the background (on
 * isolated-vm's threads, so nothing here waits), and the next create of that
 * kind takes it: a fresh isolate no code has run in but the bootstrap and the
 * libraries. Where the engine restores heap snapshots faithfully (isolated-vm
 * 6 on Node 22/24; not 5.0.4 on Node 20), spares and sessions alike start
 * from a snapshot with the libraries evaluated (library-snapshots.ts), which
 * makes building one about as cheap as a bare session.
 *
 * A spare is keyed by everything its build depends on (heap limit, console
 * settings, native modules, library files); the session's id, worktree and
 * capabilities are only read on the host side and are set when it is taken.
 */
import { randomUUID } from 'node:crypto';
import type { HostSessionSpec } from '../messages';
import type { IsolateSession } from './isolate-session';

/** Kinds of session kept ready at once (one spare each). */
const MAX_SPARES = 2;
/** A spare nobody took for this long is dropped: it costs a few MB. */
const SPARE_TTL_MS = 10 * 60 * 1000;

interface Spare { session: Promise<IsolateSession | undefined>; expiry: NodeJS.Timeout }

export class SpareSessions {
  private readonly spares = new Map<string, Spare>();

  constructor(private readonly build: (spec: HostSessionSpec) => Promise<IsolateSession>) {}

  /** The ready (or almost ready) spare of this kind, made into `spec`'s session; undefined when there is none. */
  async take(spec: HostSessionSpec): Promise<IsolateSession | undefined> {
    const key = keyOf(spec);
    const spare = key === undefined ? undefined : this.spares.get(key);
    if (!spare) return undefined;
    this.spares.delete(key!);
    clearTimeout(spare.expiry);
    const session = await spare.session;
    if (!session || session.isDisposed) return undefined;
    session.adopt(spec);
    return session;
  }

  /** Starts building the next spare of `spec`'s kind, unless one exists. */
  replenish(spec: HostSessionSpec): void {
    const key = keyOf(spec);
    if (key === undefined || this.spares.has(key)) return;
    for (const oldest of this.spares.keys()) {
      if (this.spares.size < MAX_SPARES) break;
      this.drop(oldest);
    }
    const session = this.build({ ...spec, sessionId: `spare-${randomUUID()}` }).catch(() => undefined);
    const expiry = setTimeout(() => this.drop(key), SPARE_TTL_MS).unref();
    this.spares.set(key, { session, expiry });
  }

  /** Is this id a spare's (its isolate events concern no session)? */
  static isSpareId(sessionId: string): boolean {
    return sessionId.startsWith('spare-');
  }

  async closeAll(): Promise<void> {
    const all = [...this.spares.keys()];
    await Promise.all(all.map((key) => this.drop(key)));
  }

  private async drop(key: string): Promise<void> {
    const spare = this.spares.get(key);
    if (!spare) return;
    this.spares.delete(key);
    clearTimeout(spare.expiry);
    await (await spare.session)?.close();
  }
}

/** Sessions without libraries start fast enough on their own: no spare for them. */
function keyOf(spec: HostSessionSpec): string | undefined {
  if (spec.libraries.length === 0) return undefined;
  return JSON.stringify([spec.limits.memMb, spec.runtime, spec.modules, spec.libraries]);
}
