/**
 * Bundles kept by content, so the next session — in this host, another
 * host, or the next daemon — evaluates a package without bundling it again.
 *
 * The key hashes what decides the output: the bundler's version, the
 * package's real folder and subpath, and its package.json text (name,
 * version, entry points). A hit is used only if every file the bundle was
 * built from still has its size and modification time (an edited or
 * reinstalled dependency rebuilds). On disk: `<dir>/<key>.json`, written
 * atomically (temp file + rename), so concurrent hosts never see half a file.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { touchIfStale } from '../../bundle-sweep';
import type { Bundle } from './bundle';
import type { LocatedPackage } from './locate';

/** Bumped when the bundle's shape changes (banner, plugin output). */
const FORMAT = 'vms-bundle-3';

export interface BundleEntry {
  key: string;
  code: string;
  /** sha256 of `code`, computed by this process: names its V8 code cache (code-cache.ts). */
  codeHash: string;
  map: string;
  esm: boolean;
  inputs: Array<[string, number, number]>;
}

const memory = new Map<string, BundleEntry>();

export function bundleKey(pkg: LocatedPackage): string {
  let manifest = '';
  try {
    manifest = readFileSync(path.join(pkg.dir, 'package.json'), 'utf8');
  } catch {
    // a folder without package.json still bundles (index.js); its inputs decide freshness
  }
  const esbuildVersion = (require('esbuild') as typeof import('esbuild')).version;
  return createHash('sha256').update([FORMAT, esbuildVersion, pkg.root, pkg.dir, pkg.subpath, manifest].join('\0')).digest('hex').slice(0, 40);
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 40);
}

/** Each entry's input files as absolute paths, built once: the check runs on every load. */
const absolute = new WeakMap<BundleEntry, string[]>();

function fresh(entry: BundleEntry, root: string): boolean {
  let files = absolute.get(entry);
  if (!files) {
    files = entry.inputs.map(([rel]) => path.join(root, rel));
    absolute.set(entry, files);
  }
  try {
    // lstat, not stat: the same answer for the real paths esbuild reports (a link is recorded as
    // never fresh, see storeBundle), and half the cost on Node 20 (0.27 → 0.14 ms for 201 files).
    for (let i = 0; i < files.length; i++) {
      const st = lstatSync(files[i], { throwIfNoEntry: false });
      if (!st || st.size !== entry.inputs[i][1] || st.mtimeMs !== entry.inputs[i][2]) return false;
    }
  } catch {
    return false; // not a folder on the way, no access: rebuild (and fail there if it must)
  }
  return true;
}

/** The bundle stored under `key` (this host's memory, then disk), not yet checked against its input files. */
export function storedBundle(key: string, dir: string | undefined): BundleEntry | undefined {
  const known = memory.get(key);
  if (known || !dir) return known;
  try {
    const file = path.join(dir, `${key}.json`);
    const { mtimeMs } = lstatSync(file);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as BundleEntry;
    touchIfStale(file, mtimeMs);
    // Hashed here, not trusted from the file: it names the code cache V8 would use for this text.
    entry.codeHash = hashCode(entry.code);
    return entry;
  } catch {
    return undefined;
  }
}

/** Does every file `entry` was built from still have its size and modification time? A stale entry is forgotten. */
export function isFresh(entry: BundleEntry, root: string): boolean {
  if (fresh(entry, root)) {
    memory.set(entry.key, entry);
    return true;
  }
  if (memory.get(entry.key) === entry) memory.delete(entry.key);
  return false;
}

export function cachedBundle(key: string, root: string, dir: string | undefined): BundleEntry | undefined {
  const entry = storedBundle(key, dir);
  return entry && isFresh(entry, root) ? entry : undefined;
}

export function storeBundle(key: string, root: string, bundle: Bundle, dir: string | undefined): BundleEntry {
  const inputs: BundleEntry['inputs'] = [];
  for (const rel of bundle.inputs) {
    try {
      const st = lstatSync(path.join(root, rel));
      // esbuild reports real paths; a link (never expected) would hide its target's edits from the check.
      inputs.push(st.isSymbolicLink() ? [rel, -1, -1] : [rel, st.size, st.mtimeMs]);
    } catch {
      // a file that vanished while bundling: the next load rebuilds
      inputs.push([rel, -1, -1]);
    }
  }
  const entry: BundleEntry = { key, code: bundle.code, codeHash: hashCode(bundle.code), map: bundle.map, esm: bundle.esm, inputs };
  memory.set(key, entry);
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = path.join(dir, `${key}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify(entry));
      renameSync(tmp, path.join(dir, `${key}.json`));
    } catch {
      // a cache that cannot be written costs a rebuild next time, nothing else
    }
  }
  return entry;
}
