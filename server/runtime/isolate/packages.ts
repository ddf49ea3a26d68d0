/**
 * npm packages inside the session: `require('ms')`, and the namespaces that
 * static `import` (host/esm.ts) and `import()` (rewritten REPL input) get.
 * The host resolves the specifier and answers the package's bundle as a
 * factory function it compiled here (see host/packages/); it runs at most
 * once per session, keyed by the host's id for the package, like Node's
 * module cache. A package that throws while it loads is not kept, so the
 * next require tries again.
 */
import * as P from './primordials';

/** A host `ivm.Reference` to a function in this isolate. */
interface FactoryRef { deref(): unknown; release(): void }

/** The host's answer: `pending` until the package is bundled; then its id, and its factory when this session has not run it. */
export type PackageAnswer = { pending: true } | { id: string; esm: boolean; factory?: FactoryRef };

interface SyncPromiseRef { applySyncPromise(receiver: undefined, args: unknown[], options?: object): unknown }

export interface PackageHost {
  /** Synchronous: `load` (the factory the first time), `code` (the factory always). */
  load(op: 'load' | 'code', specifier: string, fromRel: string | null): PackageAnswer;
  /** Bundles the package (waited for with applySyncPromise). */
  build: SyncPromiseRef;
}

interface Loaded { module: { exports: unknown }; esm: boolean; ns?: object }

export interface Packages {
  /** What `require(specifier)` answers: `module.exports` (an ES module's namespace for ESM packages). */
  require(specifier: string): unknown;
  /** The ES namespace `import` sees; `fromRel` is the importing file's folder (null: the running file's). */
  namespace(specifier: string, fromRel: string | null): object;
}

/** `native(name)`: an enabled native module's API (`fs`), or undefined; `libraryGlobals`: catalog libraries (`lodash` → `_`). */
export function createPackages(host: PackageHost, native: (name: string) => object | undefined, libraryGlobals: Record<string, string>): Packages {
  const byId = new P.MapCtor<string, Loaded>();

  function builtin(name: unknown, pkg: unknown): object {
    const api = native(P.StringCtor(name));
    if (api) return api;
    throw new P.ErrorCtor(`'${P.StringCtor(pkg)}' needs the Node built-in '${P.StringCtor(name)}', which sessions do not have`);
  }

  /** The host's answer, once the package is bundled (waiting for the bundler if it is not). */
  function ask(op: 'load' | 'code', specifier: string, fromRel: string | null): { id: string; esm: boolean; factory?: FactoryRef } {
    let answer = host.load(op, specifier, fromRel);
    if ('pending' in answer) {
      host.build.applySyncPromise(undefined, [specifier, fromRel], { arguments: { copy: true } });
      answer = host.load(op, specifier, fromRel);
      if ('pending' in answer) throw new P.ErrorCtor(`Package '${specifier}' changed while it was being bundled: require it again`);
    }
    return answer;
  }

  function load(specifier: string, fromRel: string | null): Loaded {
    // A catalog library is already loaded as its global: the same instance.
    if (P.ObjectPrototypeHasOwnProperty(libraryGlobals, specifier)) {
      const id = `<library:${specifier}>`;
      const known = P.MapPrototypeGet(byId, id);
      if (known) return known;
      const loaded: Loaded = { module: { exports: (P.G as Record<string, unknown>)[libraryGlobals[specifier]] }, esm: false };
      P.MapPrototypeSet(byId, id, loaded);
      return loaded;
    }
    let answer = ask('load', specifier, fromRel);
    const known = P.MapPrototypeGet(byId, answer.id);
    if (known) return known;
    // The host sends a factory once per session; one that never finished loading (it threw, or was stopped) is asked for again.
    if (!answer.factory) answer = ask('code', specifier, fromRel);
    if (!answer.factory) throw new P.ErrorCtor(`Package '${specifier}' has no code`);
    const ref = answer.factory;
    const factory = ref.deref() as Function;
    ref.release();
    const loaded: Loaded = { module: { exports: {} }, esm: answer.esm === true };
    P.ReflectApply(factory, undefined, [loaded.module, loaded.module.exports, builtin]);
    // Kept only once it has loaded: a package that throws is evaluated afresh by the next require, as in Node.
    P.MapPrototypeSet(byId, answer.id, loaded);
    return loaded;
  }

  return {
    require: (specifier) => load(specifier, null).module.exports,
    namespace(specifier, fromRel) {
      const loaded = load(specifier, fromRel);
      if (loaded.ns) return loaded.ns;
      const exports = loaded.module.exports;
      if (loaded.esm && exports !== null && typeof exports === 'object') {
        loaded.ns = exports;
      } else {
        // A CommonJS package: `default` is module.exports, its own keys are the named exports (as in Node).
        const ns = P.ObjectCreate(null) as Record<string, unknown>;
        if (exports !== null && (typeof exports === 'object' || typeof exports === 'function')) {
          for (const key of P.ObjectKeys(exports)) if (key !== 'default') ns[key] = (exports as Record<string, unknown>)[key];
        }
        ns.default = exports;
        loaded.ns = ns;
      }
      return loaded.ns!;
    },
  };
}
