/**
 * Keeps the package bundle cache (`<database folder>/bundles/`, written by
 * runtime hosts: host/packages/) from growing for ever. A package upgraded,
 * removed or edited leaves its old bundle and V8 code caches behind, and a
 * host killed while writing leaves a temp file. A bundle or code cache that no
 * host has read for `UNUSED_DAYS` is removed, and so is a temp file older than
 * an hour. Hosts touch what they read from disk (at most once a day per file:
 * `touchIfStale`), so a file's modification time is its last use.
 *
 * The daemon sweeps once, a minute after it starts (`scheduleBundleSweep`).
 * One daemon per database folder holds the lock, so one sweeper. A file
 * removed while a host reads it costs that host a rebuild, nothing else.
 */
import { lstatSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';

const DAY_MS = 24 * 60 * 60 * 1000;
const UNUSED_DAYS = 30;
const TEMP_MS = 60 * 60 * 1000;
const SWEEP_DELAY_MS = 60 * 1000;

/** What hosts write: `<key>.json`, `<code hash>.<V8 version>.v8cache`, and either one's `.<pid>.tmp`. */
const CACHED = /^[0-9a-f]{40}(?:\.json|\.[\w.-]+\.v8cache)$/;
const TEMP = /^[0-9a-f]{40}\.(?:[\w.-]+\.v8cache\.)?\d+\.tmp$/;

/** Removes what is unused in `dir` (nothing but the cache's own regular files); returns how many files went. */
export function sweepBundles(dir: string, now = Date.now()): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no cache yet
  }
  let removed = 0;
  for (const name of names) {
    const maxAge = CACHED.test(name) ? UNUSED_DAYS * DAY_MS : TEMP.test(name) ? TEMP_MS : undefined;
    if (maxAge === undefined) continue;
    const file = path.join(dir, name);
    try {
      const st = lstatSync(file);
      if (!st.isFile() || now - st.mtimeMs < maxAge) continue;
      rmSync(file);
      removed++;
    } catch {
      // gone meanwhile, or not ours to remove: the next sweep looks again
    }
  }
  return removed;
}

/** After a read from the cache: marks `file` as used, when its mark is over a day old (one syscall at most a day). */
export function touchIfStale(file: string, mtimeMs: number, now = Date.now()): void {
  if (now - mtimeMs < DAY_MS) return;
  try {
    const seconds = now / 1000;
    utimesSync(file, seconds, seconds);
  } catch {
    // a cache we cannot touch may be swept and rebuilt, nothing else
  }
}

export function scheduleBundleSweep(dir: string, log: (line: string) => void): void {
  setTimeout(() => {
    const removed = sweepBundles(dir);
    if (removed > 0) log(`bundle cache: removed ${removed} file(s) unused for ${UNUSED_DAYS} days (or temp files left by a killed host)`);
  }, SWEEP_DELAY_MS).unref();
}
