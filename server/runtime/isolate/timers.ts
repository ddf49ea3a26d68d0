/**
 * setTimeout / setInterval / clear* / queueMicrotask. The isolate has no
 * event loop: the timers live here, and the host keeps one alarm per session
 * set to the earliest deadline. The host is told only when that alarm must
 * move earlier or when no timer is left, so a loop creating thousands of
 * timers costs no host calls; when the alarm rings the host calls `fire()`,
 * which runs every due callback and answers when to ring next. Ids are plain
 * numbers (as in browsers), not Node's Timeout objects.
 */
import * as P from './primordials';
import type { HostBridge, RawException } from './bridge';
import { describeError } from './describe';

/** Pending timers per session; past this setTimeout throws. */
export const MAX_TIMERS = 100_000;
const TIMEOUT_MAX = 2 ** 31 - 1;

interface Entry { id: number; fn: Function; args: unknown[]; interval: number; repeat: boolean; due: number }

export function createTimers(bridge: HostBridge, uncaught: (e: RawException) => void) {
  const entries = new P.MapCtor<number, Entry>();
  let nextId = 1;
  /** The deadline the host's alarm is set for, or null when it is off. */
  let alarm: number | null = null;
  let firing = false;

  function callbackError(fn: unknown): TypeError {
    return new P.TypeErrorCtor(`The "callback" argument must be of type function. Received ${fn === null ? 'null' : typeof fn}`);
  }

  /** Moves the host's alarm earlier when `due` needs it (never later: an early ring finds nothing and re-arms). */
  function requestAlarm(due: number): void {
    if (firing || (alarm !== null && alarm <= due)) return;
    alarm = due;
    bridge.wake(P.MathMax(0, due - P.DateNow()));
  }

  function schedule(fn: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
    if (typeof fn !== 'function') throw callbackError(fn);
    if (P.MapPrototypeSizeGetter(entries) >= MAX_TIMERS) throw new P.RangeErrorCtor(`Too many pending timers (limit ${MAX_TIMERS})`);
    let ms = P.NumberCtor(delay);
    if (!(ms >= 1 && ms <= TIMEOUT_MAX)) ms = 1; // as Node does
    ms = P.MathTrunc(ms);
    const id = nextId++;
    const due = P.DateNow() + ms;
    P.MapPrototypeSet(entries, id, { id, fn, args, interval: ms, repeat, due });
    requestAlarm(due);
    return id;
  }

  function clear(id: unknown): void {
    const key = typeof id === 'number' ? id : P.NumberCtor(id);
    if (!P.MapPrototypeDelete(entries, key)) return;
    if (P.MapPrototypeSizeGetter(entries) === 0 && alarm !== null && !firing) {
      alarm = null;
      bridge.wake(-1);
    }
  }

  const globals = {
    setTimeout: (fn: unknown, delay?: unknown, ...args: unknown[]) => schedule(fn, delay, args, false),
    setInterval: (fn: unknown, delay?: unknown, ...args: unknown[]) => schedule(fn, delay, args, true),
    clearTimeout: clear,
    clearInterval: clear,
    queueMicrotask: (fn: unknown) => {
      if (typeof fn !== 'function') throw callbackError(fn);
      P.PromisePrototypeThen(P.PromiseResolve(undefined), () => {
        try {
          P.ReflectApply(fn, undefined, []);
        } catch (err) {
          uncaught(describeError(err));
        }
      });
    },
  };

  return {
    globals,
    /** The host's alarm rang: runs every due callback in deadline order; answers the next delay, or -1 for none. */
    fire(): number {
      firing = true;
      alarm = null;
      try {
        const now = P.DateNow();
        const due: Entry[] = [];
        const it = P.MapPrototypeEntries(entries);
        for (let s = P.MapIteratorNext(it); !s.done; s = P.MapIteratorNext(it)) {
          const e = (s.value as [number, Entry])[1];
          if (e.due <= now) P.ArrayPrototypePush(due, e);
        }
        P.ArrayPrototypeSort(due, (a, b) => a.due - b.due || a.id - b.id);
        for (const e of due) {
          if (P.MapPrototypeGet(entries, e.id) !== e) continue; // cleared by an earlier callback
          if (e.repeat) e.due = P.DateNow() + e.interval;
          else P.MapPrototypeDelete(entries, e.id);
          try {
            P.ReflectApply(e.fn, undefined, e.args);
          } catch (err) {
            uncaught(describeError(err));
            break; // like an uncaught exception in Node: nothing after it runs
          }
        }
      } finally {
        firing = false;
      }
      let next = Infinity;
      const it = P.MapPrototypeEntries(entries);
      for (let s = P.MapIteratorNext(it); !s.done; s = P.MapIteratorNext(it)) next = P.MathMin(next, (s.value as [number, Entry])[1].due);
      if (next === Infinity) return -1;
      alarm = next;
      return P.MathMax(0, next - P.DateNow());
    },
    reset(): void {
      P.MapPrototypeClear(entries);
      alarm = null;
    },
  };
}
