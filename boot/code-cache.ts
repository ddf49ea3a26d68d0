/**
 * Loads a large bundle (dist/daemon-main.js, dist/cli-program.js) through
 * V8's code cache, so that a cold start reads compiled code instead of
 * compiling ~800 KB of JavaScript again (docs/architecture.md, "Speed").
 *
 * The cache is code this process will run, so it lives only in a folder of
 * the user's own: `$XDG_CACHE_HOME/vm-system/v8-<flavor>` (else
 * `~/.cache/vm-system/…`), created 0700 and refused — the bundle is then
 * compiled as usual — unless it is a real folder of this user that no one
 * else may enter, in a parent no one else may rename it in (docs/security.md).
 * A cache that does not fit (another Node, other V8 flags, a changed bundle,
 * a damaged file) is rejected by V8 and rewritten: it never breaks a start.
 *
 * Node ≥ 22.1 does the caching itself (`module.enableCompileCache`); Node 20
 * compiles the bundle with `vm.Script` and its `cachedData`. `flavor` keeps
 * processes with different V8 flags apart (the daemon runs `--liftoff-only`).
 * Imported by cli/ and server/ alike: Node built-ins only.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** `VM_SYSTEM_NO_COMPILE_CACHE=1` turns the cache off (A/B measurements). */
const OFF = 'VM_SYSTEM_NO_COMPILE_CACHE';

/** The cache's root: `$XDG_CACHE_HOME/vm-system`, else `<home>/.cache/vm-system`. */
export function cacheRoot(env: NodeJS.ProcessEnv, home: string): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(base, 'vm-system');
}

/** Why `dir` may not hold code this user runs; undefined when it is the user's own (created 0700 if missing). */
export function unsafeCacheDir(dir: string): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return 'no user ids on this platform';
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return `${dir} is not a folder (a symbolic link?)`;
    if (st.uid !== uid) return `${dir} belongs to user ${st.uid}, not to ${uid}`;
    if ((st.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
    // Whoever may write the parent may swap the folder for one of theirs (unless the parent is sticky, as /tmp is).
    const parent = statSync(path.dirname(dir));
    if (parent.uid !== uid && parent.uid !== 0) return `${path.dirname(dir)} belongs to user ${parent.uid}`;
    if ((parent.mode & 0o022) !== 0 && (parent.mode & 0o1000) === 0) return `${path.dirname(dir)} is writable by other users (mode ${(parent.mode & 0o777).toString(8)})`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

let chosen: { dir?: string; why?: string } | undefined;

/** This process's cache folder (the first flavor asked for wins, as Node's own cache allows one per process), or why there is none. */
export function codeCacheDir(flavor: string, env: NodeJS.ProcessEnv = process.env): { dir?: string; why?: string } {
  if (chosen) return chosen;
  if (env[OFF]) return (chosen = { why: `${OFF} is set` });
  const root = cacheRoot(env, env.HOME || os.homedir());
  const dir = path.join(root, `v8-${flavor}`);
  const why = unsafeCacheDir(root) ?? unsafeCacheDir(dir);
  return (chosen = why ? { why } : { dir });
}

/**
 * `require(file)` through the code cache of `flavor`'s folder; a plain require when there is none
 * (`onRefused` learns why, when the folder was refused rather than turned off).
 */
export function requireCached(file: string, flavor: string, onRefused?: (why: string) => void): unknown {
  const { dir, why } = codeCacheDir(flavor);
  if (!dir) {
    if (why && !process.env[OFF]) onRefused?.(why);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  }
  const nodeCache = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof nodeCache === 'function') {
    nodeCache(dir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  }
  return requireWithCachedData(file, dir);
}

/** Node 20: the module wrapper compiled by vm.Script with the cached data of this exact file, this Node and these flags. */
function requireWithCachedData(file: string, dir: string): unknown {
  const cache = (Module as unknown as { _cache: Record<string, NodeJS.Module> })._cache;
  if (cache[file]) return cache[file].exports;
  const source = readFileSync(file, 'utf8');
  const st = statSync(file);
  // This exact file (a rebuild changes its mtime), this Node, these flags. (No node:crypto: loading it costs a CLI ~10 ms.)
  const key = fnv1a([process.version, process.arch, file, st.size, st.mtimeMs, st.ino, process.execArgv.join(' ')].join('\0'));
  const cacheFile = path.join(dir, `${path.basename(file)}-${key}.v8`);
  let cachedData: Buffer | undefined;
  try { cachedData = readFileSync(cacheFile); } catch { /* none yet */ }
  const script = new vm.Script((Module as unknown as { wrap(code: string): string }).wrap(source), { filename: file, cachedData });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  cache[file] = m;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
  try {
    run.call(m.exports, m.exports, createRequire(file), m, file, path.dirname(file));
  } catch (error) {
    delete cache[file];
    throw error;
  }
  m.loaded = true;
  // Written at exit: by then the functions this process ran are compiled too, and go in the cache.
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeCache(cacheFile, script));
  return m.exports;
}

/** Writes the cache of `script`, and removes the caches of the bundle's earlier builds. */
function writeCache(cacheFile: string, script: vm.Script): void {
  try {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cacheFile); // whole or not at all: a reader never sees half a file
    const dir = path.dirname(cacheFile);
    const bundle = `${path.basename(cacheFile).replace(/-[0-9a-f]+\.v8$/, '')}-`;
    for (const name of readdirSync(dir)) {
      if (name.startsWith(bundle) && name.endsWith('.v8') && name !== path.basename(cacheFile)) rmSync(path.join(dir, name), { force: true });
    }
  } catch { /* a cache is optional */ }
}

/** 64-bit FNV-1a of a string's UTF-16 code units, as 16 hex digits. */
function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) hash = BigInt.asUintN(64, (hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}
