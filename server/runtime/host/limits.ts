/**
 * Limits that are enforced while code runs, from outside the isolate:
 * wall time (a timer) and CPU time (the isolate's `cpuTime`, sampled every
 * 10 ms). Stopping the code is the session's job (Execution.stop): it uses
 * V8's `Runtime.terminateExecution` through a host-side inspector session,
 * which interrupts a running script within a millisecond and leaves the
 * isolate and its state usable.
 */
import type ivm from './ivm';

const CPU_POLL_MS = 10;

export type LimitKind = 'wall' | 'cpu';

export class Watchdog {
  private startWall = performance.now();
  private startCpu: bigint;
  private lastCpu = 0n;
  private wallTimer: NodeJS.Timeout | undefined;
  private cpuTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly isolate: ivm.Isolate,
    readonly wallMs: number,
    readonly cpuMs: number,
    private readonly onExceeded: (kind: LimitKind) => void,
  ) {
    this.startCpu = this.readCpu();
    this.lastCpu = this.startCpu;
  }

  /** Starts the clocks (the elapsed times count from here). */
  start(): void {
    this.startWall = performance.now();
    this.startCpu = this.readCpu();
    this.wallTimer = setTimeout(() => this.onExceeded('wall'), this.wallMs);
    const cpuBudget = BigInt(this.cpuMs) * 1_000_000n;
    this.cpuTimer = setInterval(() => {
      if (this.readCpu() - this.startCpu > cpuBudget) this.onExceeded('cpu');
    }, CPU_POLL_MS);
  }

  stop(): void {
    if (this.wallTimer) clearTimeout(this.wallTimer);
    if (this.cpuTimer) clearInterval(this.cpuTimer);
    this.wallTimer = undefined;
    this.cpuTimer = undefined;
  }

  /** Time left before the wall limit; used as isolated-vm's own `timeout` (a second line of defence). */
  remainingMs(): number {
    return Math.max(1, Math.ceil(this.wallMs - (performance.now() - this.startWall)));
  }

  elapsedWallMs(): number {
    return Math.round((performance.now() - this.startWall) * 100) / 100;
  }

  elapsedCpuMs(): number {
    return Math.round(Number(this.readCpu() - this.startCpu) / 10_000) / 100;
  }

  private readCpu(): bigint {
    try {
      if (!this.isolate.isDisposed) this.lastCpu = this.isolate.cpuTime;
    } catch {
      // disposed meanwhile: keep the last reading
    }
    return this.lastCpu;
  }

  describe(kind: LimitKind): string {
    return kind === 'wall'
      ? `Execution timed out: wall time limit of ${this.wallMs} ms exceeded`
      : `Execution timed out: CPU time limit of ${this.cpuMs} ms exceeded`;
  }
}
