/**
 * One session = one isolate (with its own heap limit) + one context, inside a
 * runtime host. Builds it (bootstrap, bridge, libraries), runs executions in
 * it one at a time, stops them, answers completions and statistics.
 *
 * Every call into the isolate goes through `call()`: one at a time, in order,
 * with the async isolated-vm APIs so the host's event loop (and the other
 * sessions of this host) never wait for session code. Host functions reach the
 * isolate only as ivm.Callbacks (arguments copied) or, for the two calls that
 * must block the isolate (prompt, native modules), as References held in the
 * bootstrap's closure; neither is ever visible to session code.
 */
import ivm from './ivm';
import { randomBytes } from 'node:crypto';
import { statSync, readFileSync } from 'node:fs';
import type { CompletionItem, ValuePayload } from '../../protocol';
import { RuntimeStartError, type ExecOutcome, type ExecRequest, type RuntimeEvent } from '../../core/ports';
import type { HostSessionSpec, SessionStats } from '../messages';
import { goneError } from '../runtime-gone';
import type { CompletionEntry, InstallConfig, SettleResult } from '../isolate/bridge';
import { INSPECT_STYLE } from './inspect-style';
import { Execution, Skipped, type ExecutionHost } from './execution';
import { HostAlarm } from './timers';
import { SourceMap } from './source-map';
import { COVERAGE_MAX_CHARS, skippedCoverage, startCoverage, takeCoverage, type CoveredSource } from './coverage';
import { prepareSource, type PreparedSource } from './source';
import { compileCached, refreshAfterExecution } from './script-cache';
import { getNativeModule, moduleTable } from '../../modules/registry';
import type { ModuleContext } from '../../modules/native-module';
import { bridgeCallbacks, moduleReference, packageCallbacks, promptReference } from './session-bridge';
import { SessionPackages } from './packages/session-packages';
import { Terminator } from './terminator';
import { Previewer } from './preview';
import { runModule } from './esm';

export interface SessionDeps {
  /** The bootstrap script (strict mode) and a key that changes with its content. */
  bootstrap: { code: string; key: string };
  /** `prompt(message)` in session code: the daemon asks the client. */
  prompt(executionId: string, message: string): Promise<string | null>;
  /** V8 lost control of an isolate: the whole host must go. */
  catastrophic(sessionId: string, message: string): void;
  /** The isolate died while no execution was running. */
  lost(sessionId: string, reason: string): void;
  /** A heap snapshot with these libraries already evaluated, when the host has one (library-snapshots.ts). */
  librarySnapshot?(libraries: HostSessionSpec['libraries']): ivm.ExternalCopy<ArrayBuffer> | undefined;
}

interface ControllerRefs {
  begin: ivm.Reference; settle: ivm.Reference; fire: ivm.Reference; complete: ivm.Reference; rememberError: ivm.Reference;
}

const BOOT_TIMEOUT_MS = 5000;
const LIBRARY_TIMEOUT_MS = 10000;
const COMPLETE_TIMEOUT_MS = 250;
/** How long close() waits for a call without an execution (a preview, a completion) to end. */
const CLOSE_WAIT_MS = 1000;
/** The signal module calls outside an execution get (already aborted: nothing may outlive it). */
const NO_EXECUTION = AbortSignal.abort(new Error('no execution is running'));
/** A run file's packages are looked for in its first 256 KB: requires sit near the top, and a scan of megabytes would cost more than it saves. */
const PREFETCH_SCAN_CHARS = 256 * 1024;
/** `Reference.typeof` of values whose description runs no user code (symbols report "object"). */
const PRIMITIVE = new Set(['undefined', 'null', 'boolean', 'number', 'string']);

export class IsolateSession implements ExecutionHost {
  /** Set once more by adopt() when a spare becomes a session. */
  id: string;
  readonly memMb: number;
  readonly sourceMaps = new Map<string, SourceMap>();
  /** Rings at the earliest timer deadline of the isolate (see isolate/timers.ts). */
  readonly alarm: HostAlarm;
  readonly lexicalNames = new Set<string>();
  context!: ivm.Context;
  current: Execution | undefined;
  private ctl!: ControllerRefs;
  private readonly terminator: Terminator;
  /** Set while a closed inspector session is being processed by the isolate (see terminator.ts). */
  private terminatorFlush: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private calls = 0;
  private disposed: string | undefined;
  private readonly moduleState = new Map<string, unknown>();
  /** The hidden global REPL input reports what it throws to (`_error`); random so session code does not stumble on it. */
  private readonly rememberName = `__vmsRemember_${randomBytes(8).toString('hex')}`;
  /** The hidden global that describes a value for a preview (same describe as execution values). */
  private readonly previewName = `__vmsPreview_${randomBytes(8).toString('hex')}`;
  private readonly previewer: Previewer;
  /** npm packages this session loaded (their bundles; the instances live in the isolate). */
  readonly packages = new SessionPackages({
    spec: () => this.spec,
    engine: () => ({ isolate: this.isolate, context: this.context }),
    sourceMaps: this.sourceMaps,
    runningFile: () => (this.current && this.current.request.kind !== 'repl' ? this.current.request.path : undefined),
  });
  /** The file whose coverage the current execution measures (coverage.ts), or why it is not measured. */
  private covering: CoveredSource | { skipped: string; path: string } | undefined;

  private constructor(public spec: HostSessionSpec, readonly deps: SessionDeps, readonly isolate: ivm.Isolate) {
    this.id = spec.sessionId;
    this.memMb = spec.limits.memMb;
    this.alarm = new HostAlarm(() => void this.fireTimers());
    this.terminator = new Terminator(isolate);
    this.previewer = new Previewer(this.terminator, this.previewName);
  }

  static async create(spec: HostSessionSpec, deps: SessionDeps): Promise<IsolateSession> {
    let session: IsolateSession | undefined;
    const snapshot = deps.librarySnapshot?.(spec.libraries);
    const isolate = new ivm.Isolate({
      memoryLimit: spec.limits.memMb,
      inspector: true,
      onCatastrophicError: (message) => deps.catastrophic(session?.id ?? spec.sessionId, message),
      ...(snapshot && { snapshot }),
    });
    session = new IsolateSession(spec, deps, isolate);
    try {
      await session.boot(snapshot !== undefined);
      return session;
    } catch (err) {
      await session.dispose('startup failed', true);
      if (err instanceof RuntimeStartError) throw err;
      throw new RuntimeStartError(`Session runtime failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ------------------------------------------------------------ boot

  /** `librariesLoaded`: the isolate was restored from a snapshot in which the libraries already ran. */
  private async boot(librariesLoaded: boolean): Promise<void> {
    // Known to the inspector: previews evaluate in it (preview.ts).
    this.context = await this.isolate.createContext({ inspector: true });
    // From a snapshot the libraries' globals exist before the bootstrap: set them aside so that
    // they are assigned again after it, as a library loading after the bootstrap assigns them.
    const held = librariesLoaded ? await this.holdLibraryGlobals() : undefined;
    const boot = await compileCached(this.isolate, 'bootstrap', this.deps.bootstrap.key, this.deps.bootstrap.code, '<vm-system>');
    await boot.run(this.context, { timeout: BOOT_TIMEOUT_MS });
    const install = await this.context.global.get('__vmsInstall', { reference: true }) as ivm.Reference;
    const config: InstallConfig = {
      console: this.spec.runtime.console, modules: moduleTable(this.spec.modules), inspectStyle: INSPECT_STYLE,
      rememberName: this.rememberName, previewName: this.previewName,
      libraryGlobals: Object.fromEntries(this.spec.libraries.map((l) => [l.name, l.global])),
    };
    const controller = await install.apply(undefined, [bridgeCallbacks(this), promptReference(this), moduleReference(this), packageCallbacks(this), config], {
      arguments: { copy: true }, result: { reference: true }, timeout: BOOT_TIMEOUT_MS,
    }) as ivm.Reference;
    const get = (name: string) => controller.get(name, { reference: true }) as Promise<ivm.Reference>;
    this.ctl = {
      begin: await get('begin'), settle: await get('settle'), fire: await get('fire'), complete: await get('complete'),
      rememberError: await get('rememberError'),
    };
    install.release();
    controller.release();
    if (held) await this.restoreLibraryGlobals(held);
    else for (const lib of this.spec.libraries) await this.loadLibrary(lib);
  }

  /** Moves the snapshot's library globals to a hidden global (no session code runs before they are back). */
  private async holdLibraryGlobals(): Promise<string> {
    const hidden = `__vmsHeld_${randomBytes(8).toString('hex')}`;
    const globals = JSON.stringify(this.spec.libraries.map((l) => l.global));
    await this.context.eval(`globalThis.${hidden} = ${globals}.map((g) => globalThis[g]); ${globals}.forEach((g) => { delete globalThis[g]; })`, { timeout: 1000 });
    return hidden;
  }

  private async restoreLibraryGlobals(hidden: string): Promise<void> {
    const globals = JSON.stringify(this.spec.libraries.map((l) => l.global));
    const missing = await this.context.eval(`{ const held = globalThis.${hidden}; delete globalThis.${hidden};
      ${globals}.forEach((g, i) => { globalThis[g] = held[i]; }); ${globals}.filter((g) => typeof globalThis[g] === 'undefined').join(); }`, { timeout: 1000 });
    if (missing !== '') throw new RuntimeStartError(`Libraries did not define the globals '${String(missing)}' in the snapshot`);
  }

  private async loadLibrary(lib: HostSessionSpec['libraries'][number]): Promise<void> {
    let code: string;
    let key: string;
    try {
      const st = statSync(lib.file);
      key = `${st.size}:${st.mtimeMs}`;
      code = readFileSync(lib.file, 'utf8');
    } catch {
      throw new RuntimeStartError(`Library ${lib.name}@${lib.version} is not in the local cache (run libraries/install)`, 'LIBRARY_NOT_CACHED');
    }
    try {
      const script = await compileCached(this.isolate, `lib:${lib.file}`, key, code, `<library:${lib.name}>`);
      await script.run(this.context, { timeout: LIBRARY_TIMEOUT_MS });
    } catch (err) {
      throw new RuntimeStartError(`Library ${lib.name}@${lib.version} failed to load: ${err instanceof Error ? err.message : String(err)}`);
    }
    const defined = await this.context.eval(`typeof globalThis[${JSON.stringify(lib.global)}] !== 'undefined'`, { timeout: 1000 });
    if (defined !== true) throw new RuntimeStartError(`Library ${lib.name}@${lib.version} did not define the global '${lib.global}'`);
  }

  /**
   * A spare built for another session of the same kind (spare-sessions.ts)
   * becomes `spec`'s session. Only host-side fields differ between the two:
   * what the isolate was built from is part of the spare's key.
   */
  adopt(spec: HostSessionSpec): void {
    this.spec = spec;
    this.id = spec.sessionId;
  }

  moduleContext(exec: Execution | undefined): ModuleContext {
    return {
      sessionId: this.id, worktreePath: this.spec.worktreePath, capabilities: this.spec.capabilities,
      limits: exec?.request.limits ?? this.spec.limits, signal: exec?.signal ?? NO_EXECUTION, state: this.moduleState,
    };
  }

  // ------------------------------------------------------------ calls into the isolate

  /** Runs `fn` when every earlier call has finished; skipped when `exec` is already stopping. */
  call<T>(exec: Execution | undefined, fn: () => Promise<T>): Promise<T> {
    this.calls++;
    const run = async (): Promise<T> => {
      try {
        if (exec?.stopping) throw new Skipped();
        if (this.disposed) throw new Error(`Isolate is disposed: ${this.disposed}`);
        return await fn();
      } finally {
        this.calls--;
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.then(() => undefined, () => undefined);
    return p;
  }

  inFlight(): number { return this.calls; }
  pendingTimers(): number { return this.alarm.pending ? 1 : 0; }
  clearTimers(): void { this.alarm.off(); }
  disposedReason(): string | undefined { return this.disposed; }

  terminate(): void {
    if (this.disposed || this.isolate.isDisposed) return;
    try {
      this.terminator.terminate();
    } catch {
      void this.dispose('the running code could not be interrupted; its isolate was disposed');
    }
  }

  /** Closes the inspector session used to stop code, if the isolate is idle; resolves once the isolate has processed that. */
  private closeTerminator(): Promise<void> {
    if (!this.terminatorFlush && this.calls === 0 && !this.isolate.isDisposed && this.terminator.closeIdle()) {
      this.terminatorFlush = this.context.eval('0', { timeout: 1000 })
        .then(() => undefined, () => undefined)
        .then(() => new Promise<void>((resolve) => setTimeout(resolve, 20)))
        .finally(() => { this.terminatorFlush = undefined; });
    }
    return this.terminatorFlush ?? Promise.resolve();
  }

  /** Ends the isolate (see terminator.ts for why the order matters). */
  async dispose(reason: string, silent = false): Promise<void> {
    if (this.disposed) return;
    this.disposed = reason;
    this.alarm.off();
    if (this.isolate.isDisposed) {
      this.terminator.retire();
    } else {
      if (this.terminatorFlush) await this.terminatorFlush;
      else if (this.calls === 0) await this.closeTerminator();
      // Still open means busy: the session goes with the isolate and is kept referenced.
      this.terminator.retire();
      try {
        this.isolate.dispose();
      } catch {
        // already disposed
      }
    }
    for (const name of this.spec.modules) {
      void Promise.resolve().then(() => getNativeModule(name)?.dispose?.(this.moduleContext(undefined))).catch(() => undefined);
    }
    if (!silent && !this.current) this.deps.lost(this.id, reason);
  }

  get isDisposed(): boolean {
    return this.disposed !== undefined || this.isolate.isDisposed;
  }

  // ------------------------------------------------------------ executions

  async execute(request: ExecRequest, send: (event: RuntimeEvent) => void): Promise<ExecOutcome> {
    if (this.current) {
      return { status: 'error', cpuMs: 0, wallMs: 0, error: { name: 'Error', message: 'Another execution is running in this session', stack: 'Error: Another execution is running in this session' } };
    }
    const exec = new Execution(this, request, send);
    this.current = exec;
    void this.run(exec);
    const outcome = await exec.done;
    if (this.current === exec) this.current = undefined;
    await this.finishCoverage(outcome);
    // A failed allocation surfaces as a RangeError while isolated-vm disposes
    // the isolate a moment later: after a failure, check that it is still there.
    if (outcome.status === 'error' && !outcome.sessionCrashed && !this.isDisposed) {
      await this.call(undefined, () => this.context.eval('0', { timeout: 1000 })).catch(() => undefined);
    }
    const closing = this.closeTerminator();
    // A coverage run opened the inspector only for itself: its answer need not wait for the
    // close to settle (~20 ms); the isolate's next call does (queued behind it), and so does dispose().
    if (outcome.coverage && !outcome.coverage.skipped) this.queue = this.queue.then(() => closing);
    else await closing;
    if (outcome.sessionCrashed || this.isolate.isDisposed) {
      // Disposed by isolated-vm, not by us (a close while busy disposes it too): its memory limit.
      const byMemoryLimit = !outcome.sessionCrashed && this.disposed === undefined;
      const reason = outcome.sessionCrashed ?? this.disposed ?? `Memory limit of ${this.memMb} MB exceeded: the session's isolate was disposed`;
      await this.dispose(reason, true);
      outcome.sessionCrashed ??= reason;
      if (byMemoryLimit) {
        // isolated-vm disposed the isolate for its memory limit. That ends the
        // execution as an error even when a wall or CPU stop was already under
        // way (the stop can be seen first while the heap is still growing).
        outcome.status = 'error';
        outcome.error = goneError(reason);
        delete outcome.limit;
      }
    }
    await this.afterExecution(exec);
    // Not after coverage: that isolate's functions were compiled with its counters.
    if (!outcome.coverage && !this.isDisposed) {
      const { key, code } = this.deps.bootstrap;
      refreshAfterExecution(this.isolate, 'bootstrap', key, code, '<vm-system>', () => !this.current && !this.isDisposed);
    }
    return outcome;
  }

  private async beginCoverage(exec: Execution, source: PreparedSource): Promise<void> {
    if (source.code.length > COVERAGE_MAX_CHARS) {
      this.covering = { path: source.filename, skipped: `the file is larger than ${COVERAGE_MAX_CHARS / 1024} KB` };
      return;
    }
    await this.call(exec, () => startCoverage(this.terminator));
    this.covering = {
      filename: source.filename, code: source.code, lineOffset: source.lineOffset,
      sourceLines: source.sourceLines ?? source.code.split('\n').length, map: this.sourceMaps.get(source.filename),
    };
  }

  /** Takes the coverage the execution measured (none when its isolate is gone). */
  private async finishCoverage(outcome: ExecOutcome): Promise<void> {
    const covering = this.covering;
    this.covering = undefined;
    if (!covering) return;
    if ('skipped' in covering) {
      outcome.coverage = skippedCoverage(covering.path, covering.skipped);
      return;
    }
    if (outcome.sessionCrashed || this.isDisposed) return;
    outcome.coverage = await this.call(undefined, () => takeCoverage(this.terminator, covering)).catch(() => undefined);
  }

  private async afterExecution(exec: Execution): Promise<void> {
    for (const name of this.spec.modules) {
      const module = getNativeModule(name);
      if (!module?.onExecutionEnd) continue;
      try {
        await module.onExecutionEnd(this.moduleContext(exec));
      } catch {
        // a module's cleanup failing must not fail the execution after the fact
      }
    }
  }

  private async run(exec: Execution): Promise<void> {
    let catches = false;
    try {
      // The packages REPL input names compile on the isolate's thread while the host prepares it.
      const repl = exec.request.kind === 'repl';
      const ahead = repl ? this.packages.prefetch(exec.request.code ?? '') : undefined;
      const prepared = await prepareSource(exec.request, this.spec.worktreePath, this.sourceMaps, this.rememberName);
      if (!prepared.ok) {
        exec.onError(prepared.error);
        return;
      }
      await (ahead ?? this.packages.prefetch(prepared.source.code.slice(0, PREFETCH_SCAN_CHARS)));
      catches = prepared.source.catches === true;
      if (exec.request.coverage && exec.request.kind === 'run_file') await this.beginCoverage(exec, prepared.source);
      // The limits apply to the code from here: reading and transpiling the file is the host's time.
      exec.start();
      const file = exec.request.kind !== 'repl';
      const args = file ? JSON.stringify(exec.request.args ?? {}) : '';
      const env = file ? JSON.stringify(exec.request.env ?? {}) : '';
      // Synchronous on purpose: begin only stores the copied args/env (no user code), and an async
      // call costs a hop to the isolate's thread and back on every execution.
      await this.call(exec, async () => this.ctl.begin.applySync(undefined, [args, env, exec.request.limits.maxOutputKb * 1024, !file], { timeout: exec.callTimeout() }));
      const result = prepared.source.module
        ? await runModule(this, exec, prepared.source)
        : await this.runScript(exec, prepared.source);
      // A primitive result runs no user code while described (no getters, no then):
      // describe it synchronously and save the hop to the isolate's thread.
      const settle = await this.call(exec, async () => (PRIMITIVE.has(result.typeof)
        ? this.ctl.settle.applySync(undefined, [result.derefInto()], { result: { copy: true }, timeout: exec.callTimeout() })
        : this.ctl.settle.apply(undefined, [result.derefInto()], { result: { copy: true }, timeout: exec.callTimeout() })) as SettleResult);
      result.release();
      if (settle.state === 'value') exec.onValue(settle.value);
    } catch (err) {
      exec.onCallError(err);
      if (exec.request.kind === 'repl' && !catches) await this.rememberError(exec);
    } finally {
      this.packages.endExecution();
      exec.check();
    }
  }

  /** REPL input threw where the isolate could not catch it: `_error` gets a copy rebuilt from what the host saw. */
  private async rememberError(exec: Execution): Promise<void> {
    const error = exec.exception;
    if (!error || this.isDisposed) return;
    await this.call(undefined, async () => this.ctl.rememberError.applySync(undefined, [error.name, error.message, error.stack], { timeout: 100 }))
      .catch(() => undefined);
  }

  private async runScript(exec: Execution, source: PreparedSource): Promise<ivm.Reference> {
    // Compiled and run by one call, on the isolate's thread: a separate compile cost a
    // synchronous call (or a hop) more per execution. Top-level declarations still land
    // in the context's global scope, as with a Script.
    const ref = await this.call(exec, () => this.context.eval(source.code, {
      filename: source.filename, lineOffset: source.lineOffset, reference: true, timeout: exec.callTimeout(),
    }) as Promise<ivm.Reference>);
    for (const name of source.lexicalNames) this.lexicalNames.add(name);
    return ref;
  }

  private async fireTimers(): Promise<void> {
    const exec = this.current;
    if (!exec || exec.stopping) return;
    try {
      const next = await this.call(exec, () => this.ctl.fire.apply(undefined, [], { result: { copy: true }, timeout: exec.callTimeout() }) as Promise<number>);
      if (typeof next === 'number' && next >= 0 && !exec.stopping) this.alarm.set(next);
    } catch (err) {
      exec.onCallError(err);
    } finally {
      exec.check();
    }
  }

  cancel(executionId: string): void {
    if (this.current?.id === executionId) this.current.cancel();
  }

  async close(): Promise<void> {
    const exec = this.current;
    if (exec) {
      exec.cancel('Execution cancelled: the session was closed');
      await exec.done;
    } else {
      // A preview (or completion) in flight ends within its own limit; disposing the isolate
      // under a running inspector evaluation was seen to hang the host (see terminator.ts).
      await Promise.race([this.queue, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
    }
    await this.dispose('session closed', true);
  }

  async complete(code: string, cursor: number): Promise<CompletionItem[]> {
    // While code runs the isolate is busy: answer nothing rather than wait. Any other call
    // (a preview, a completion, the check after an execution) ends within its own limit, so
    // the completion waits its turn: the REPL sends it right behind the previews of the keys
    // typed before Tab, and answering nothing then loses the completion.
    if (this.isDisposed || this.current) return [];
    try {
      const items = await this.call(undefined, () => this.ctl.complete.apply(undefined, [code, cursor, [...this.lexicalNames]], {
        arguments: { copy: true }, result: { copy: true }, timeout: COMPLETE_TIMEOUT_MS,
      }) as Promise<CompletionEntry[]>);
      return Array.isArray(items) ? items.map((i) => ({ label: String(i.label), kind: String(i.kind) })) : [];
    } catch {
      return [];
    } finally {
      // An execution may have started while the completion waited (TypeScript's narrowing above ignores the await).
      (this.current as Execution | undefined)?.check();
    }
  }

  /** sessions/preview; no value while anything runs in the isolate (a preview never waits for code). */
  async preview(code: string): Promise<ValuePayload | undefined> {
    if (this.isDisposed || this.current || this.calls > 0) return undefined;
    try {
      return await this.call(undefined, () => this.previewer.preview(code));
    } catch {
      return undefined;
    } finally {
      // Allocation is no side effect to V8: an expression that allocates past memMb ends the
      // isolate like an execution would (unless the 50 ms stop it first; one huge allocation
      // ends the whole host, as in an execution). The daemon learns it now, not at the next run.
      if (this.isolate.isDisposed && !this.disposed) {
        await this.dispose(`Memory limit of ${this.memMb} MB exceeded by a preview: the session's isolate was disposed`);
      }
    }
  }

  async stats(): Promise<SessionStats> {
    if (this.isDisposed) return { sessionId: this.id, heapUsedMb: 0, cpuMs: 0 };
    try {
      const heap = await this.isolate.getHeapStatistics();
      const used = heap.used_heap_size + (heap.externally_allocated_size ?? 0);
      return { sessionId: this.id, heapUsedMb: Math.round(used / 1048576 * 100) / 100, cpuMs: Math.round(Number(this.isolate.cpuTime) / 1e4) / 100 };
    } catch {
      return { sessionId: this.id, heapUsedMb: 0, cpuMs: 0 };
    }
  }
}
