/**
 * V8 code cache for the scripts every session compiles: the bootstrap and the
 * libraries. The first compile in a host produces the cache; later isolates
 * consume it and skip parsing (a library like lodash goes from ~10 ms to ~1 ms).
 *
 * A cache taken at compile time holds only the functions V8 compiled eagerly;
 * every other bootstrap function (the REPL's describe, console, require…) was
 * compiled again in each new session on first use. So the bootstrap's cache
 * is taken again after executions (`refreshAfterExecution`), in the isolate
 * that ran them: compiling the same text there hits V8's compilation cache,
 * whose functions those executions compiled, and the cache then holds them.
 */
import ivm from './ivm';

interface Entry { key: string; data: ivm.ExternalCopy<ArrayBuffer> }
const cache = new Map<string, Entry>();

/** Compiles `code` in `isolate`, with cached data for `id` when the same `key` (e.g. size and mtime) was seen before. */
export async function compileCached(isolate: ivm.Isolate, id: string, key: string, code: string, filename: string): Promise<ivm.Script> {
  const hit = cache.get(id);
  if (hit && hit.key === key) {
    const script = await isolate.compileScript(code, { filename, cachedData: hit.data });
    if (!(script as { cachedDataRejected?: boolean }).cachedDataRejected) return script;
  }
  const script = await isolate.compileScript(code, { filename, produceCachedData: true });
  const data = (script as { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
  if (data) cache.set(id, { key, data });
  return script;
}

/** The host's executions after which the bootstrap's cache is taken again: new paths get in early, four times at most. */
const REFRESH_AT = new Set([1, 4, 16, 64]);
let executions = 0;

/**
 * Called after each execution that ran no coverage. At the counts above, and
 * once the isolate is idle, compiles `id`'s script again in it to take a
 * cache that includes what has been compiled since (see the top).
 */
export function refreshAfterExecution(isolate: ivm.Isolate, id: string, key: string, code: string, filename: string, idle: () => boolean): void {
  if (!REFRESH_AT.has(++executions)) return;
  // After the answer has gone: the compile waits for the isolate, which a next execution would wait behind.
  setTimeout(() => {
    if (!idle() || isolate.isDisposed || cache.get(id)?.key !== key) return;
    isolate.compileScript(code, { filename, produceCachedData: true }).then((script) => {
      const data = (script as { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
      script.release();
      if (data && cache.get(id)?.key === key) cache.set(id, { key, data });
    }, () => undefined);
  }, 10).unref();
}
