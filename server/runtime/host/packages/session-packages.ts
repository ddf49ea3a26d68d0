/**
 * A session's npm packages, host side: what the isolate's `require`,
 * `import()` and ES-module facades ask for (see isolate/packages.ts). Each
 * answer names the package by an id (its bundle key) and carries the
 * bundle's factory, compiled into the isolate, the first time this session
 * gets it (or when asked for the code again); the isolate keeps the instance.
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
import { bundleKey, cachedBundle, storeBundle, type BundleEntry } from './bundle-cache';
import { compileBundle, remember } from './code-cache';
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

export class SessionPackages {
  /** Bundles this session's isolate has been sent (it keeps those that loaded). */
  private readonly delivered = new Set<string>();
  private roots: { worktree: PackageRoot; libraries: PackageRoot[] } | undefined;
  private rootsFor: HostSessionSpec | undefined;

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
    this.refuseModuleName(specifier);
    const { worktree, libraries } = this.currentRoots();
    const running = this.host.runningFile();
    const rel = fromRel ?? (running ? path.posix.dirname(running) : '.');
    const fromDir = path.resolve(worktree.root, rel);
    if (!isInside(worktree.root, fromDir)) throw new PackageError(`Cannot find package '${specifier}': '${rel}' is outside the worktree`);
    try {
      const pkg = locatePackage(specifier, fromDir, worktree, libraries);
      return { pkg, id: bundleKey(pkg) };
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
    const cacheDir = this.host.spec().bundleCache;
    const entry = cachedBundle(id, pkg.root, cacheDir);
    if (!entry) return { pending: true };
    if (this.delivered.has(id) && !withCode) return { id, esm: entry.esm };
    // Stack frames name the bundle by this; its source map turns them into the package's own files.
    const name = `${path.relative(pkg.root, pkg.dir).split(path.sep).join('/')}/[bundle${pkg.subpath.replace(/\//g, ':')}]`;
    const { isolate, context } = this.host.engine();
    const { factory, cached } = compileBundle(isolate, context, entry, name, cacheDir);
    if (!cached) remember(isolate, entry, name, cacheDir);
    this.delivered.add(id);
    this.host.sourceMaps.set(name, sourceMapOf(entry));
    return { id, esm: entry.esm, factory };
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
