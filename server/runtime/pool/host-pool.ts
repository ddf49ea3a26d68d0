/**
 * The runtime-host processes of a daemon. Sessions are packed into hosts (up
 * to `sessionsPerHost` each) so an idle session costs about one isolate of
 * memory rather than one Node process; one empty host is kept warm so that
 * creating a session never waits for a process to start. Every host's RSS is
 * sampled every 100 ms and a host over the ceiling is killed (its sessions
 * crash, the others' do not): isolated-vm's memoryLimit alone does not bound
 * everything (see isolate/harden.ts).
 */
import type { RuntimeSummary } from '../../core/ports';
import { HostProcess } from './host-process';
import { rssMbOf } from './proc-stats';

export interface HostPoolOptions {
  hostScript: string;
  sessionsPerHost: number;
  hostMemoryCeilingMb: number;
  /** V8 heap of a host's own JavaScript (not its isolates). */
  hostHeapMb: number;
  log: (line: string) => void;
  /** A session's runtime died while it was not running an execution. */
  onSessionLost: (sessionId: string, reason: string) => void;
}

const RSS_SAMPLE_MS = 100;
/** An empty host beyond the warm spare is ended after this long. */
const RETIRE_AFTER_MS = 10_000;
const SHUTDOWN_GRACE_MS = 1000;

export class HostPool {
  private readonly hosts = new Set<HostProcess>();
  private readonly sessionHost = new Map<string, HostProcess>();
  private spare: HostProcess | undefined;
  private readonly sampler: NodeJS.Timeout;
  private readonly retireTimers = new Map<HostProcess, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly opts: HostPoolOptions) {
    this.sampler = setInterval(() => this.sample(), RSS_SAMPLE_MS);
    this.sampler.unref();
  }

  /** Starts the warm spare (called at once; the first createSession then finds it ready). */
  warm(): void {
    if (!this.closed && (!this.spare || !this.spare.alive)) this.spare = this.spawn();
  }

  private spawn(): HostProcess {
    const host = new HostProcess({
      hostScript: this.opts.hostScript,
      execArgv: ['--no-node-snapshot', `--max-old-space-size=${this.opts.hostHeapMb}`],
      log: this.opts.log,
      onDeath: (h, reason, idle) => this.onDeath(h, reason, idle),
      onSessionLost: (_h, sessionId, reason) => {
        this.release(sessionId);
        this.opts.onSessionLost(sessionId, reason);
      },
    });
    this.hosts.add(host);
    this.opts.log(`runtime: started host ${host.pid}`);
    return host;
  }

  /** Picks the host for a new session and reserves its slot. */
  async place(sessionId: string): Promise<HostProcess> {
    if (this.closed) throw new Error('the runtime is shut down');
    let best: HostProcess | undefined;
    for (const host of this.hosts) {
      if (!host.alive || host === this.spare || host.sessions.size >= this.opts.sessionsPerHost) continue;
      // Fill the fullest host first: fewer processes for the same sessions.
      if (!best || host.sessions.size > best.sessions.size) best = host;
    }
    if (!best) {
      best = this.spare && this.spare.alive ? this.spare : this.spawn();
      this.spare = undefined;
    }
    best.sessions.add(sessionId);
    this.sessionHost.set(sessionId, best);
    this.cancelRetire(best);
    if (!this.spare) this.warm();
    try {
      await best.ready;
    } catch (err) {
      this.release(sessionId);
      throw err;
    }
    return best;
  }

  hostOf(sessionId: string): HostProcess | undefined {
    const host = this.sessionHost.get(sessionId);
    return host?.alive ? host : undefined;
  }

  release(sessionId: string): void {
    const host = this.sessionHost.get(sessionId);
    this.sessionHost.delete(sessionId);
    if (!host) return;
    host.sessions.delete(sessionId);
    if (host.alive && host.sessions.size === 0 && host !== this.spare) {
      if (!this.spare || !this.spare.alive) this.spare = host;
      else this.scheduleRetire(host);
    }
  }

  private scheduleRetire(host: HostProcess): void {
    this.cancelRetire(host);
    const timer = setTimeout(() => {
      this.retireTimers.delete(host);
      if (host.sessions.size === 0 && host !== this.spare) {
        this.hosts.delete(host);
        void host.request('shutdown', {}, SHUTDOWN_GRACE_MS).catch(() => undefined).finally(() => host.kill('retired'));
      }
    }, RETIRE_AFTER_MS);
    timer.unref();
    this.retireTimers.set(host, timer);
  }

  private cancelRetire(host: HostProcess): void {
    const timer = this.retireTimers.get(host);
    if (timer) clearTimeout(timer);
    this.retireTimers.delete(host);
  }

  private onDeath(host: HostProcess, reason: string, idle: string[]): void {
    this.hosts.delete(host);
    this.cancelRetire(host);
    if (this.spare === host) this.spare = undefined;
    for (const [sessionId, h] of this.sessionHost) if (h === host) this.sessionHost.delete(sessionId);
    if (!this.closed) {
      this.opts.log(`runtime: host ${host.pid} died: ${reason}`);
      for (const sessionId of idle) this.opts.onSessionLost(sessionId, reason);
      this.warm();
    }
  }

  private sample(): void {
    for (const host of this.hosts) {
      if (!host.alive) continue;
      host.rssMb = rssMbOf(host.pid);
      if (host.rssMb > this.opts.hostMemoryCeilingMb) {
        host.kill(`the runtime host exceeded its memory ceiling (${Math.round(host.rssMb)} MB > ${this.opts.hostMemoryCeilingMb} MB)`);
      }
    }
  }

  async summary(): Promise<RuntimeSummary> {
    const live = [...this.hosts].filter((h) => h.alive);
    const stats = await Promise.all(live.map((h) => (h.sessions.size ? h.request('stats', {}, 2000).catch(() => []) : Promise.resolve([]))));
    return {
      hosts: live.map((h) => ({ pid: h.pid, sessionIds: [...h.sessions], rssMb: h.rssMb || rssMbOf(h.pid) })),
      sessions: stats.flat(),
    };
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.sampler);
    for (const timer of this.retireTimers.values()) clearTimeout(timer);
    const hosts = [...this.hosts];
    await Promise.all(hosts.map(async (host) => {
      if (!host.alive) return;
      const exited = new Promise<void>((resolve) => host.child.once('exit', () => resolve()));
      // A host without sessions holds nothing worth a goodbye (the spare, or all closed already).
      if (host.sessions.size === 0) host.kill('runtime shut down');
      else void host.request('shutdown', {}, SHUTDOWN_GRACE_MS).catch(() => undefined);
      const timer = setTimeout(() => host.kill('runtime shut down'), SHUTDOWN_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }));
    this.hosts.clear();
    this.sessionHost.clear();
  }
}
