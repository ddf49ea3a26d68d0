/**
 * A session's npm packages, host side: what the isolate's `require`,
 * `import()` and ES-module facades ask for (see isolate/packages.ts). Each
 * answer names the package by an id (its bundle key) and carries the
 * bundle's factory, compiled into the isolate, the first time this session
 * gets it (or when asked for the code again); the isolate keeps the instance.
 *
 * Packages an execution's text names literally (`require('x')`, `import('x')`,
 * `from 'x'`) are looked up as it starts, and their cached bundles compiled on
 * the isolate's thread while the host checks their files and prepares the
 * input (`prefetch`): the `require` then finds its factory ready. A session
 * that cannot write files (no native modules) trusts that check for the rest
 * of the execution; one that can checks again at the `require`.
 */
import { realpathSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { isInside } from '../../../files/inside';
import type { PackageAnswer } from '../../isolate/packages';
import type { HostSessionSpec } from '../../messages';
import type ivm from '../ivm';
import { moduleTable } from '../../../modules/registry';
import { SourceMap } from '../source-map';
import { bundlePackage } from './bundle';
import { bundleKey, cachedBundle, isFresh, storeBundle, storedBundle, type BundleEntry } from './bundle-cache';
import { compileBundle, compileBundleAhead, factoryOf, remember, type CompiledBundle } from './code-cache';
import { isBareSpecifier, locatePackage, PackageNotFound, type LocatedPackage, type PackageRoot } from './locate';

const BUILTINS = new Set(builtinModules);

const building = new Map<string, Promise<BundleEntry>>();
/** One per bundle and host, parsed only if an exception needs it: a big package's map is megabytes of JSON. */
const maps = new WeakMap<BundleEntry, SourceMap>();

function sourceMapOf(entry: BundleEntry): SourceMap {
  let map = maps.get(entry);
  if (!map) {
    map = SourceMap.lazy(entry.map);
    maps.set(entry, map);
  }
  return map;
}

/** Literal package names in code: `require('x')`, `import('x')`, `from 'x'`, `import 'x'`. A false match costs a compile, nothing else. */
const NAMED = /\b(?:require\s*\(\s*|import\s*\(\s*|from\s*|import\s*)(['"])([@\w][\w@./~-]*)\1/g;
/** More would hold up the execution's start for packages it may not load. */
const MAX_AHEAD = 8;

/** A package compiled ahead of its `require` in the running execution. */
interface Ahead { entry: BundleEntry; compiled?: CompiledBundle }

/** A failure the session sees as an Error with this message. */
export class PackageError extends Error {}

interface Host {
  spec(): HostSessionSpec;
  /** The session's isolate and context, to compile bundles into. */
  engine(): { isolate: ivm.Isolate; context: ivm.Context };
  sourceMaps: Map<string, SourceMap>;
  /** The worktree-relative path of the file the running execution runs, if any. */
  runningFile(): string | undefined;
}

/** What stack frames name a bundle by; its source map turns them into the package's own files. */
function bundleName(pkg: LocatedPackage): string {
  return `${path.relative(pkg.root, pkg.dir).split(path.sep).join('/')}/[bundle${pkg.subpath.replace(/\//g, ':')}]`;
}

export class SessionPackages {
  /** Bundles this session's isolate has been sent (it keeps those that loaded), and whether each is an ES module. */
  private readonly delivered = new Map<string, boolean>();
  private roots: { worktree: PackageRoot; libraries: PackageRoot[] } | undefined;
  private rootsFor: HostSessionSpec | undefined;
  /** For the running execution: where a specifier led from a folder (`folder\0specifier`), and what prefetch compiled. */
  private readonly located = new Map<string, { pkg: LocatedPackage; id: string }>();
  private readonly ahead = new Map<string, Ahead>();
  /** The prefetch's check holds until the execution ends: true when the session cannot write files itself. */
  private trusted = false;

  constructor(private readonly host: Host) {}

  private currentRoots(): { worktree: PackageRoot; libraries: PackageRoot[] } {
    // A spare session is adopted with another spec: the roots follow it.
    if (!this.roots || this.rootsFor !== this.host.spec()) {
      const spec = this.host.spec();
      const real = (p: string) => { try { return realpathSync(p); } catch { return p; } };
      this.roots = {
        worktree: { root: real(spec.worktreePath), label: 'the worktree' },
        libraries: (spec.packages ?? []).map((lib) => ({ root: real(lib.root), label: `${lib.name}@${lib.version}` })),
      };
      this.rootsFor = spec;
    }
    return this.roots;
  }

  /** `Invalid module` as before packages existed, for names that are modules rather than packages. */
  private refuseModuleName(specifier: string): void {
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    if (isBareSpecifier(specifier) && !BUILTINS.has(bare) && !this.host.spec().modules.includes(bare) && !['fs', 'database', 'exec'].includes(bare)) return;
    const enabled = Object.keys(moduleTable(this.host.spec().modules));
    throw new PackageError(`Invalid module '${specifier}': ${enabled.length ? `this session can require ${enabled.join(', ')}` : 'no modules are enabled for this session'}`);
  }

  /** The package a specifier names from `fromRel` (worktree-relative folder; null: the running file's folder), and its bundle key. */
  private locate(specifier: string, fromRel: string | null): { pkg: LocatedPackage; id: string } {
    const running = this.host.runningFile();
    const rel = fromRel ?? (running ? path.posix.dirname(running) : '.');
    const memo = this.trusted ? this.located.get(`${rel}\0${specifier}`) : undefined;
    if (memo) return memo;
    this.refuseModuleName(specifier);
    const { worktree, libraries } = this.currentRoots();
    const fromDir = path.resolve(worktree.root, rel);
    if (!isInside(worktree.root, fromDir)) throw new PackageError(`Cannot find package '${specifier}': '${rel}' is outside the worktree`);
    try {
      const pkg = locatePackage(specifier, fromDir, worktree, libraries);
      const found = { pkg, id: bundleKey(pkg) };
      this.located.set(`${rel}\0${specifier}`, found);
      return found;
    } catch (error) {
      if (error instanceof PackageNotFound) throw new PackageError(error.message);
      throw error;
    }
  }

  /**
   * Synchronous, from inside the isolate's `require`: the package's id, and
   * the first time this session gets it (or with `withCode`) its factory,
   * compiled into the isolate from the cached bundle. `pending` when there is
   * no usable bundle yet: the isolate then waits for `build` and asks again.
   */
  load(specifier: string, fromRel: string | null, withCode = false): PackageAnswer {
    const { pkg, id } = this.locate(specifier, fromRel);
    // The session's own instance, as Node's module cache answers: whatever the files say now.
    const esm = this.delivered.get(id);
    if (esm !== undefined && !withCode) return { id, esm };
    const cacheDir = this.host.spec().bundleCache;
    const ahead = this.ahead.get(id);
    // Checked as the execution started (prefetch); checked again here if the session could have written since.
    const entry = ahead?.compiled && this.trusted ? ahead.entry : cachedBundle(id, pkg.root, cacheDir);
    if (!entry) return { pending: true };
    const name = bundleName(pkg);
    const { isolate, context } = this.host.engine();
    let compiled: CompiledBundle;
    if (ahead?.compiled && ahead.entry === entry) {
      compiled = ahead.compiled;
      this.ahead.delete(id);
    } else {
      compiled = compileBundle(isolate, entry, name, cacheDir);
    }
    const factory = factoryOf(compiled, context);
    if (!compiled.cached) remember(isolate, entry, name, cacheDir);
    this.delivered.set(id, entry.esm);
    this.host.sourceMaps.set(name, sourceMapOf(entry));
    return { id, esm: entry.esm, factory };
  }

  /**
   * As an execution starts: the packages `code` names, whose cached bundles
   * this session has not loaded yet, are compiled on the isolate's thread
   * while the host checks their files (and then prepares the input). Resolves
   * once they are compiled; a name that does not resolve, or has no fresh
   * bundle, is left to the `require`, which reports it. Never rejects.
   */
  async prefetch(code: string): Promise<void> {
    this.endExecution();
    this.trusted = this.host.spec().modules.length === 0;
    const names = new Set<string>();
    for (const match of code.matchAll(NAMED)) {
      if (names.size === MAX_AHEAD) break;
      if (isBareSpecifier(match[2])) names.add(match[2]);
    }
    if (names.size === 0) return;
    const cacheDir = this.host.spec().bundleCache;
    const { isolate } = this.host.engine();
    const compiling: Array<Promise<void>> = [];
    for (const specifier of names) {
      try {
        const { pkg, id } = this.locate(specifier, null);
        const entry = storedBundle(id, cacheDir);
        if (!entry || this.delivered.has(id) || this.ahead.has(id)) continue;
        const ahead: Ahead = { entry };
        this.ahead.set(id, ahead);
        // Started before the files are checked: the check runs on this thread meanwhile.
        const compile = compileBundleAhead(isolate, entry, bundleName(pkg), cacheDir);
        const ok = isFresh(entry, pkg.root);
        compiling.push(compile.then((compiled) => {
          if (ok && this.ahead.get(id) === ahead) ahead.compiled = compiled;
          else compiled.script.release();
        }, () => undefined));
      } catch {
        // Only ahead of time: the require reports what is wrong with the name.
      }
    }
    await Promise.all(compiling);
  }

  /** The running execution has ended: what prefetch compiled and nothing loaded is let go. */
  endExecution(): void {
    for (const { compiled } of this.ahead.values()) compiled?.script.release();
    this.ahead.clear();
    this.located.clear();
    this.trusted = false;
  }

  /** Bundles the package unless a usable bundle is cached (for `load` to find next). */
  async build(specifier: string, fromRel: string | null): Promise<void> {
    const { pkg, id } = this.locate(specifier, fromRel);
    const cacheDir = this.host.spec().bundleCache;
    if (cachedBundle(id, pkg.root, cacheDir)) return;
    // Sessions of this host asking for the same package at once share one build.
    let build = building.get(id);
    if (!build) {
      build = bundlePackage(pkg, specifier).then((bundle) => storeBundle(id, pkg.root, bundle, cacheDir)).finally(() => building.delete(id));
      building.set(id, build);
    }
    try {
      await build;
    } catch (error) {
      const first = (error as { errors?: Array<{ text: string }> }).errors?.[0]?.text;
      throw new PackageError(`Package '${specifier}' could not be bundled: ${first ?? (error as Error).message}`);
    }
  }
}
