/**
 * The runtime: session isolates, kept alive in runtime-host child processes
 * (see docs/runtime.md). `createRuntime()` is the daemon's RuntimePort; it is
 * the only entry point of server/runtime, and nothing it hands out refers to
 * an isolate: everything crossing it is plain data.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RuntimeStartError, type RuntimePort, type SessionSpec } from '../core/ports';
import type { CompletionItem } from '../protocol';
import { scheduleBundleSweep } from './bundle-sweep';
import { runtimeIdentity } from './engine';

export { engineWarning } from './engine';
import type { HostSessionSpec } from './messages';
import { HostPool } from './pool/host-pool';
import { HostRequestError } from './pool/host-process';
import { runtimeGone } from './runtime-gone';

export interface RuntimeOptions {
  log?: (line: string) => void;
  /** The bundled host; default `runtime-host.js` next to this file (the daemon runs from dist/daemon.js). */
  hostScript?: string;
  /** Sessions sharing one host process (default 32; see docs/runtime.md for the memory figures). */
  sessionsPerHost?: number;
  /** A host above this RSS is killed, with its sessions (default 1536). */
  hostMemoryCeilingMb?: number;
  /** Where package bundles are kept between sessions and daemons (see host/packages/bundle-cache.ts); swept of unused files a minute after start (bundle-sweep.ts). */
  bundleCacheDir?: string;
}

function defaultHostScript(): string {
  const beside = path.join(__dirname, 'runtime-host.js');
  if (existsSync(beside)) return beside;
  // Running from sources (tsx): the built host in dist/.
  return path.resolve(__dirname, '../../dist/runtime-host.js');
}

function hostSpec(spec: SessionSpec, bundleCache: string | undefined): HostSessionSpec {
  return {
    sessionId: spec.sessionId, worktreePath: spec.worktreePath, limits: spec.settings.limits, runtime: spec.settings.runtime,
    resolver: spec.settings.resolver, modules: spec.modules, capabilities: spec.capabilities,
    libraries: spec.libraries.flatMap((l) => (l.global !== undefined && l.file !== undefined ? [{ name: l.name, version: l.version, global: l.global, file: l.file }] : [])),
    packages: spec.libraries.flatMap((l) => (l.root !== undefined ? [{ name: l.name, version: l.version, root: l.root }] : [])),
    bundleCache,
  };
}

const CREATE_TIMEOUT_MS = 20_000;
const COMPLETE_TIMEOUT_MS = 2_000;
/** The host bounds a preview itself (50 ms in V8, a watchdog behind it); this only covers a host that stopped answering. */
const PREVIEW_TIMEOUT_MS = 2_000;
const CLOSE_TIMEOUT_MS = 5_000;

export function createRuntime(options: RuntimeOptions = {}): RuntimePort {
  const log = options.log ?? (() => undefined);
  const lostListeners: Array<(sessionId: string, reason: string) => void> = [];
  if (options.bundleCacheDir) scheduleBundleSweep(options.bundleCacheDir, log);
  const pool = new HostPool({
    hostScript: options.hostScript ?? defaultHostScript(),
    sessionsPerHost: options.sessionsPerHost ?? 32,
    hostMemoryCeilingMb: options.hostMemoryCeilingMb ?? 1536,
    hostHeapMb: 256,
    log,
    onSessionLost: (sessionId, reason) => {
      for (const listener of lostListeners) {
        try {
          listener(sessionId, reason);
        } catch (err) {
          log(`runtime: onSessionLost listener threw: ${String(err)}`);
        }
      }
    },
  });
  pool.warm();

  return {
    async createSession(spec) {
      let host;
      try {
        host = await pool.place(spec.sessionId);
      } catch (err) {
        throw new RuntimeStartError(`No runtime host could be started: ${err instanceof Error ? err.message : String(err)}`);
      }
      try {
        await host.request('create', { spec: hostSpec(spec, options.bundleCacheDir) }, CREATE_TIMEOUT_MS);
      } catch (err) {
        pool.release(spec.sessionId);
        // A host that cannot build a session in that time is stuck: end it (its other sessions crash).
        if (err instanceof HostRequestError && err.timedOut) host.kill(`the runtime host stopped responding: ${err.message}`);
        throw err instanceof RuntimeStartError ? err : new RuntimeStartError(err instanceof Error ? err.message : String(err));
      }
    },

    async execute(request, sink) {
      const host = pool.hostOf(request.sessionId);
      if (!host) {
        await Promise.resolve(); // the sink is never called from within execute() itself
        return runtimeGone((event) => sink.event(event), 'The session has no live runtime (it crashed or was closed)');
      }
      const outcome = await host.execute(request, sink);
      if (outcome.sessionCrashed) pool.release(request.sessionId);
      return outcome;
    },

    cancel(sessionId, executionId) {
      pool.hostOf(sessionId)?.cancel(sessionId, executionId);
    },

    async complete(sessionId, code, cursor): Promise<CompletionItem[]> {
      const host = pool.hostOf(sessionId);
      if (!host) return [];
      return host.request('complete', { sessionId, code, cursor }, COMPLETE_TIMEOUT_MS).catch(() => []);
    },

    async preview(sessionId, code) {
      const host = pool.hostOf(sessionId);
      if (!host) return undefined;
      const value = await host.request('preview', { sessionId, code }, PREVIEW_TIMEOUT_MS).catch(() => null);
      return value ?? undefined;
    },

    async closeSession(sessionId) {
      const host = pool.hostOf(sessionId);
      if (host) await host.request('close', { sessionId }, CLOSE_TIMEOUT_MS).catch(() => undefined);
      pool.release(sessionId);
    },

    onSessionLost(listener) {
      lostListeners.push(listener);
    },

    summary: () => pool.summary(),
    identity: runtimeIdentity,

    shutdown: () => pool.shutdown(),
  };
}
