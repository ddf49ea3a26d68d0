/**
 * V8's code cache for package bundles: a bundle compiled with it skips
 * parsing, and — because the cache is produced after the package has run once
 * (see `remember`) — most of compiling its module initialisers too (the
 * bench's 98 KB bundle: ~4.7 → ~2.4 ms in a fresh isolate on Node 20).
 *
 * Kept per host in memory and beside the bundle on disk as
 * `<bundles>/<code hash>.<V8 version>.v8cache`: named by the bundle's own text
 * (V8 checks only the source's length), and by the V8 that wrote it (Node 20
 * and Node 24 hosts may share a database folder). V8 still checks its version
 * and flags and may reject the data; the bundle is then compiled without it.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFile } from 'node:fs';
import path from 'node:path';
import { touchIfStale } from '../../bundle-sweep';
import ivm from '../ivm';
import type { BundleEntry } from './bundle-cache';

const memory = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();
/** Bundles whose cache is being produced or has been tried in this host: one attempt each. */
const producing = new Set<string>();

function fileOf(entry: BundleEntry, dir: string): string {
  return path.join(dir, `${entry.codeHash}.${process.versions.v8}.v8cache`);
}

function cachedData(entry: BundleEntry, dir: string | undefined): ivm.ExternalCopy<ArrayBuffer> | undefined {
  let data = memory.get(entry.codeHash);
  if (!data && dir) {
    try {
      const file = fileOf(entry, dir);
      const { mtimeMs } = lstatSync(file);
      const bytes = readFileSync(file);
      touchIfStale(file, mtimeMs);
      data = new ivm.ExternalCopy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      memory.set(entry.codeHash, data);
    } catch {
      return undefined;
    }
  }
  return data;
}

/** A bundle compiled into an isolate, not yet run; `cached`: with V8's code cache. */
export interface CompiledBundle { script: ivm.Script; cached: boolean }

/**
 * The bundle compiled in `isolate`, with its code cache when there is a usable
 * one. Synchronous: it is called from inside the isolate's own `require` (a
 * synchronous callback, so the isolate is free for it).
 */
export function compileBundle(isolate: ivm.Isolate, entry: BundleEntry, filename: string, dir: string | undefined): CompiledBundle {
  const data = cachedData(entry, dir);
  if (data) {
    const script = isolate.compileScriptSync(entry.code, { filename, cachedData: data });
    if (!rejected(script, entry)) return { script, cached: true };
  }
  return { script: isolate.compileScriptSync(entry.code, { filename }), cached: false };
}

/** compileBundle, on the isolate's thread while the host goes on (a package compiled ahead of its require). */
export async function compileBundleAhead(isolate: ivm.Isolate, entry: BundleEntry, filename: string, dir: string | undefined): Promise<CompiledBundle> {
  const data = cachedData(entry, dir);
  if (data) {
    const script = await isolate.compileScript(entry.code, { filename, cachedData: data });
    if (!rejected(script, entry)) return { script, cached: true };
  }
  return { script: await isolate.compileScript(entry.code, { filename }), cached: false };
}

function rejected(script: ivm.Script, entry: BundleEntry): boolean {
  if (!(script as { cachedDataRejected?: boolean }).cachedDataRejected) return false;
  memory.delete(entry.codeHash);
  script.release();
  return true;
}

/** The bundle's factory function in `context`. The bundle is one function expression: running it creates the factory, no package code runs. */
export function factoryOf(compiled: CompiledBundle, context: ivm.Context): ivm.Reference {
  try {
    return compiled.script.runSync(context, { reference: true }) as ivm.Reference;
  } finally {
    compiled.script.release();
  }
}

/**
 * Produces the code cache in `isolate`, where the bundle has just run:
 * compiling the same text under the same name there hits V8's compilation
 * cache, whose functions the package's loading compiled, so the cache holds
 * them too (twice the size of a cache taken right after a compile, and
 * ~1 ms faster to load). Asynchronous: it waits until the isolate is free.
 */
export function remember(isolate: ivm.Isolate, entry: BundleEntry, filename: string, dir: string | undefined): void {
  if (producing.has(entry.codeHash)) return;
  producing.add(entry.codeHash);
  isolate.compileScript(entry.code, { filename, produceCachedData: true }).then((script) => {
    const data = (script as { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
    script.release();
    if (!data) return;
    memory.set(entry.codeHash, data);
    if (!dir) return;
    const file = fileOf(entry, dir);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      return;
    }
    writeFile(tmp, new Uint8Array(data.copy()), (err) => {
      if (err) return;
      try {
        renameSync(tmp, file);
      } catch {
        // a cache that cannot be written costs a compile without it, nothing else
      }
    });
  }, () => undefined);
}
