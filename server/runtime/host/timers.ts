/**
 * Host side of a session's timers: one alarm. The isolate keeps the timers
 * (isolate/timers.ts) and moves this alarm to its earliest deadline; when it
 * rings the session calls `fire()` into the isolate, which answers when to
 * ring next. While the alarm is set, the running execution has pending timers.
 */
export class HostAlarm {
  private handle: NodeJS.Timeout | undefined;
  private armed = false;

  constructor(private readonly onRing: () => void) {}

  get pending(): boolean {
    return this.armed;
  }

  set(delay: number): void {
    this.off();
    this.armed = true;
    this.handle = setTimeout(() => {
      this.handle = undefined;
      this.armed = false;
      this.onRing();
    }, Math.max(0, Math.min(delay, 2 ** 31 - 1)));
  }

  off(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.armed = false;
  }
}
