/**
 * What a session's isolate may call in the host, built once per session and
 * handed to the bootstrap, which keeps them in its closure. Callbacks copy
 * their arguments and are defensive anyway (never trust what comes out of an
 * isolate); the two References exist only because `prompt()` and native
 * module calls must block the isolate (`applySyncPromise`) while the host
 * waits asynchronously. Errors thrown back into the isolate carry a name and
 * message only: a host stack trace would name host files.
 */
import ivm from './ivm';
import type { RawException, RawValue } from '../isolate/bridge';
import { isWorktreeFile } from './errors';
import type { ModuleContext } from '../../modules/native-module';
import { getNativeModule } from '../../modules/registry';
import type { Execution } from './execution';
import type { PackageAnswer } from '../isolate/packages';
import { PackageError } from './packages/session-packages';
import type { SourceMap } from './source-map';

/**
 * What the bridge needs of its session (an IsolateSession): the running
 * execution, where to find source maps, its timer alarm, how to ask the
 * client (prompt), its enabled modules and packages.
 */
export interface BridgedSession {
  readonly current: Execution | undefined;
  readonly sourceMaps: ReadonlyMap<string, SourceMap>;
  readonly alarm: { set(delayMs: number): void; off(): void };
  readonly deps: { prompt(executionId: string, message: string): Promise<string | null> };
  readonly spec: { readonly modules: readonly string[] };
  readonly packages: {
    load(specifier: string, fromRel: string | null, code: boolean): PackageAnswer;
    build(specifier: string, fromRel: string | null): Promise<void>;
  };
  moduleContext(exec: Execution): ModuleContext;
}

const STANDARD: Record<string, ErrorConstructor> = { Error, RangeError, TypeError, SyntaxError, ReferenceError, EvalError, URIError };

/**
 * isolated-vm recreates a thrown Error inside the isolate from its class
 * (for the built-in ones) or its `name` (for any other class), so the class
 * must match the name.
 */
function cleanError(name: string, message: string): Error {
  const Ctor = STANDARD[name] ?? ({ [name]: class extends Error {} } as Record<string, ErrorConstructor>)[name];
  const err = new Ctor(message);
  if (!STANDARD[name]) err.name = name;
  err.stack = `${name}: ${message}`;
  return err;
}

export function bridgeCallbacks(session: BridgedSession): Record<string, ivm.Callback> {
  return {
    emit: new ivm.Callback((level: unknown, text: unknown, path: unknown, line: unknown, column: unknown) => {
      try {
        const exec = session.current;
        if (!exec) return false;
        let location;
        if (typeof path === 'string' && isWorktreeFile(path)) {
          const l = Number(line) || 0;
          const c = Number(column) || 0;
          const mapped = session.sourceMaps.get(path)?.original(l, c);
          location = { path: mapped?.source && isWorktreeFile(mapped.source) ? mapped.source : path, line: mapped?.line ?? l, column: mapped?.column ?? c };
        }
        return exec.onConsole(String(level), String(text), location);
      } catch {
        return false;
      }
    }),
    display: new ivm.Callback((dataJson: unknown, metadataJson: unknown) => {
      try {
        const exec = session.current;
        if (!exec || typeof dataJson !== 'string' || typeof metadataJson !== 'string') return false;
        return exec.onDisplay(dataJson, metadataJson);
      } catch {
        return false;
      }
    }),
    notice: new ivm.Callback((message: unknown) => {
      const exec = session.current;
      return exec && typeof message === 'string' ? exec.onNotice(message) : false;
    }),
    wake: new ivm.Callback((delay: unknown) => {
      const exec = session.current;
      if (!exec || exec.stopping || typeof delay !== 'number') return;
      if (delay < 0) session.alarm.off();
      else session.alarm.set(delay);
    }),
    settled: new ivm.Callback((ok: unknown, value: unknown, error: unknown) => {
      const exec = session.current;
      if (!exec) return;
      if (ok === true && value && typeof value === 'object') exec.onValue(value as RawValue);
      else if (error && typeof error === 'object') exec.onError(error as RawException);
    }),
    uncaught: new ivm.Callback((error: unknown) => {
      if (error && typeof error === 'object') session.current?.onError(error as RawException);
    }),
  };
}

/** `prompt(message)`: answered by the client through the daemon, or null when the execution is stopping. */
export function promptReference(session: BridgedSession): ivm.Reference {
  return new ivm.Reference(async (message: unknown): Promise<string | null> => {
    const exec = session.current;
    if (!exec || exec.stopping) return null;
    // Released (null) as soon as the execution stops or ends, like a module call.
    const answer = await untilStopped(exec, () => session.deps.prompt(exec.id, String(message)), 'prompt').catch(() => null);
    return typeof answer === 'string' ? answer : null;
  });
}

/**
 * `work()`, abandoned at once when the execution stops even if it goes on:
 * the isolate must not stay blocked in a host call (disposing an isolate
 * blocked there was seen to hang the host).
 */
async function untilStopped<T>(exec: Execution, work: () => T | Promise<T>, what: string): Promise<T> {
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    onAbort = () => reject(cleanError('Error', `The execution was stopped during a ${what}`));
    if (exec.signal.aborted) onAbort();
    else exec.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(work), abandoned]);
  } finally {
    if (onAbort) exec.signal.removeEventListener('abort', onAbort);
  }
}

/** A native module function call (see modules.ts). */
export function moduleReference(session: BridgedSession): ivm.Reference {
  return new ivm.Reference(async (name: unknown, fn: unknown, args: unknown): Promise<unknown> => {
    const exec = session.current;
    if (!exec || exec.stopping) throw cleanError('Error', 'The execution is stopping');
    const module = typeof name === 'string' && session.spec.modules.includes(name) ? getNativeModule(name) : undefined;
    if (!module) throw cleanError('Error', `Invalid module '${String(name)}'`);
    if (typeof fn !== 'string' || !module.functions.includes(fn)) throw cleanError('TypeError', `${module.name}.${String(fn)} is not a function`);
    let result: unknown;
    try {
      result = await untilStopped(exec, () => module.call(session.moduleContext(exec), fn, Array.isArray(args) ? args : []), 'module call');
    } catch (err) {
      throw cleanError(err instanceof Error ? err.name : 'Error', err instanceof Error ? err.message : String(err));
    }
    if (result === undefined || result === null || typeof result !== 'object') return result;
    return new ivm.ExternalCopy(result).copyInto();
  });
}

function packageFailure(specifier: unknown, err: unknown): Error {
  if (err instanceof PackageError || (err instanceof Error && err.message.startsWith('The execution was stopped'))) return cleanError('Error', err.message);
  return cleanError('Error', `Package '${String(specifier)}' could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * An npm package for `require`/`import` (see packages/session-packages.ts),
 * two calls. `load` is synchronous: the package's id, and its factory
 * compiled into the isolate while the isolate waits in this call (the
 * isolate's thread is free for it: an `applySyncPromise` would hold it, and
 * compiling then deadlocks); `code` the same with the factory always.
 * `build` (through `applySyncPromise`) bundles a package `load` answered
 * `pending` for.
 */
export function packageCallbacks(session: BridgedSession): { load: ivm.Callback; build: ivm.Reference } {
  const running = (): Execution => {
    const exec = session.current;
    if (!exec || exec.stopping) throw cleanError('Error', 'The execution is stopping');
    return exec;
  };
  return {
    load: new ivm.Callback((op: unknown, specifier: unknown, fromRel: unknown): PackageAnswer => {
      running();
      try {
        return session.packages.load(String(specifier), typeof fromRel === 'string' ? fromRel : null, op === 'code');
      } catch (err) {
        throw packageFailure(specifier, err);
      }
    }),
    build: new ivm.Reference(async (specifier: unknown, fromRel: unknown): Promise<void> => {
      const exec = running();
      try {
        await untilStopped(exec, () => session.packages.build(String(specifier), typeof fromRel === 'string' ? fromRel : null), 'package load');
      } catch (err) {
        throw packageFailure(specifier, err);
      }
    }),
  };
}
