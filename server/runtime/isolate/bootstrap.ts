/**
 * Runs first in every session's isolate (bundled by esbuild as an IIFE into
 * dist/isolate-bootstrap.js; the host runs it in strict mode). It captures the
 * built-ins (primordials.ts) before any session code exists, then leaves one
 * function on the global object, `__vmsInstall`, which the host calls once
 * with its bridge callbacks and deletes at once. The bridge stays in this
 * closure: session code can reach neither it nor anything of the host.
 *
 * Installed globals: console, setTimeout & co, queueMicrotask,
 * structuredClone, TextEncoder, TextDecoder, URL, URLSearchParams, atob,
 * btoa, DOMException, prompt, require, global, display, `_`, `_error`.
 */
import * as P from './primordials';
import type { Controller, HostBridge, InstallConfig, RawException } from './bridge';
import { createConsole } from './console';
import { createDisplay } from './display';
import { createTimers } from './timers';
import { describeError, describeValue } from './describe';
import { DOMException, TextDecoder, TextEncoder, atob, btoa, structuredClone } from './web';
import { URL, URLSearchParams } from './url';
import { harden } from './harden';
import { complete } from './complete';
import { setInspectStyle } from './inspect';
import { checkPromptMessage, clip, outgoingArgs } from './outgoing';
import { installUnderscore, rebuildError } from './underscore';
import { createPackages, type PackageHost } from './packages';
import * as T from './types';

/** What isolated-vm gives the isolate for a host `ivm.Reference` to a function. */
const MODULE_ERROR_CODE = /^([A-Z][A-Z0-9_]+): /;

interface SyncPromiseRef { applySyncPromise(receiver: undefined, args: unknown[], options?: object): unknown }

function install(bridge: HostBridge, promptRef: SyncPromiseRef, moduleRef: SyncPromiseRef, packageHost: PackageHost, config: InstallConfig): Controller {
  delete (P.G as any).__vmsInstall;
  delete (P.G as any).__vmsHarden;
  setInspectStyle(config.inspectStyle);
  harden(P.G);

  // Uncaught errors are reported once per turn: the host ends the execution with the first.
  const uncaught = (e: RawException) => bridge.uncaught(e);
  const timers = createTimers(bridge, uncaught);
  // Console text above the execution's output limit ends it anyway: the host gets just enough of it to see that.
  let maxTextChars = Infinity;
  const consoleBridge: HostBridge = {
    emit: (level, text, path, line, column) => bridge.emit(level, clip(text, maxTextChars), path, line, column),
    display: bridge.display, notice: bridge.notice, wake: bridge.wake, settled: bridge.settled, uncaught: bridge.uncaught,
  };

  const define = (name: string, value: unknown) =>
    P.ObjectDefineProperty(P.G, name, { value, writable: true, enumerable: false, configurable: true });

  define('console', createConsole(consoleBridge, config.console));
  define('display', createDisplay(bridge));
  for (const [name, fn] of Object.entries(timers.globals)) define(name, fn);
  define('structuredClone', structuredClone);
  define('TextEncoder', TextEncoder);
  define('TextDecoder', TextDecoder);
  define('URL', URL);
  define('URLSearchParams', URLSearchParams);
  define('atob', atob);
  define('btoa', btoa);
  define('DOMException', DOMException);
  define('global', P.G);
  define('prompt', function prompt(message?: unknown): string | null {
    const text = message === undefined ? '' : P.StringCtor(message);
    checkPromptMessage(text);
    // Blocks this isolate (not the host) until the host's promise settles.
    const answer = promptRef.applySyncPromise(undefined, [text], { arguments: { copy: true } });
    return typeof answer === 'string' ? answer : null;
  });
  const natives = makeNatives(moduleRef, config.modules);
  const packages = createPackages(packageHost, natives, config.libraryGlobals);
  define('require', function require(name: unknown): unknown {
    const key = P.StringCtor(name);
    return natives(P.StringPrototypeStartsWith(key, 'node:') ? P.StringPrototypeSlice(key, 5) : key) ?? packages.require(key);
  });
  // `import('ms')` in REPL input is rewritten to `__vmsImport('ms')` (isolated-vm scripts have no dynamic import).
  define('__vmsImport', function __vmsImport(name: unknown): Promise<unknown> {
    return new P.PromiseCtor((resolve) => resolve(packages.namespace(P.StringCtor(name), null)));
  });
  // What an ES module's `import … from 'ms'` binds to (host/esm.ts builds a facade module around it).
  define('__vmsPackage', (name: unknown, fromRel: unknown) => packages.namespace(P.StringCtor(name), typeof fromRel === 'string' ? fromRel : null));
  // Called inside a side-effect-checked inspector evaluation (host/preview.ts): describeValue passes those checks.
  P.ObjectDefineProperty(P.G, config.previewName, {
    value: (v: unknown) => describeValue(v), writable: false, enumerable: false, configurable: false,
  });
  const underscore = installUnderscore((message) => { bridge.notice(message); });
  P.ObjectDefineProperty(P.G, config.rememberName, {
    value: (e: unknown) => { underscore.error(e); }, writable: false, enumerable: false, configurable: false,
  });

  return {
    begin(argsJson, envJson, maxText, repl) {
      timers.reset();
      maxTextChars = maxText;
      underscore.repl = repl === true;
      if (argsJson !== '') define('__ARGS__', P.JSONParse(argsJson));
      if (envJson !== '') define('__ENV__', P.JSONParse(envJson));
    },
    settle(value) {
      if (!T.isPromise(value)) {
        underscore.value(value);
        return { state: 'value', value: describeValue(value) };
      }
      try {
        P.PromisePrototypeThen(value,
          (v) => { underscore.value(v); bridge.settled(true, describeValue(v), null); },
          (e) => { underscore.error(e); bridge.settled(false, null, describeError(e)); });
      } catch {
        // not a real promise after all (a fake prototype chain)
        underscore.value(value);
        return { state: 'value', value: describeValue(value) };
      }
      return { state: 'pending' };
    },
    rememberError(name, message, stack) {
      underscore.error(rebuildError(P.StringCtor(name), P.StringCtor(message), P.StringCtor(stack)));
    },
    fire: () => timers.fire(),
    complete,
  };
}

/**
 * The native modules the template enabled, by name (undefined for any other
 * name: `require` then looks for an npm package); their functions call the
 * host synchronously.
 */
function makeNatives(moduleRef: SyncPromiseRef, modules: Record<string, string[]>): (name: string) => object | undefined {
  const cache = new P.MapCtor<string, object>();
  return function native(key: string): object | undefined {
    const cached = P.MapPrototypeGet(cache, key);
    if (cached) return cached;
    const functions = P.ObjectPrototypeHasOwnProperty(modules, key) ? modules[key] : undefined;
    if (!functions) return undefined;
    const api: Record<string, Function> = {};
    for (const fn of functions) {
      api[fn] = function (...args: unknown[]) {
        try {
          return moduleRef.applySyncPromise(undefined, [key, fn, outgoingArgs(args, `${key}.${fn}`)], { arguments: { copy: true } });
        } catch (error) {
          // Only name and message cross the boundary; module messages start with
          // their code (`ENOENT: …`, `INVALID_PATH: …`), so `e.code` works as in Node.
          if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
            const match = P.RegExpPrototypeExec(MODULE_ERROR_CODE, (error as { message: string }).message);
            if (match) P.ObjectDefineProperty(error, 'code', { value: match[1], writable: true, enumerable: true, configurable: true });
          }
          throw error;
        }
      };
    }
    P.ObjectFreeze(api);
    P.MapPrototypeSet(cache, key, api);
    return api;
  };
}

P.ObjectDefineProperty(P.G, '__vmsInstall', { value: install, writable: false, enumerable: false, configurable: true });
// A library snapshot (host/library-snapshots.ts) hardens the isolate before its libraries run, as install()
// does before a fresh session's libraries load; install() hardens again after the restore (harmless twice).
P.ObjectDefineProperty(P.G, '__vmsHarden', {
  value: () => { delete (P.G as any).__vmsHarden; harden(P.G); }, writable: false, enumerable: false, configurable: true,
});
