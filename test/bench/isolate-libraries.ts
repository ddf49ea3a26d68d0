/**
 * The measurement behind docs/architecture.md's "Libraries inside the
 * isolate" decision (not part of `npm run bench`: the candidates are not
 * dependencies). Install them somewhere, then:
 *   npm install --prefix /tmp/libs whatwg-url-without-unicode@7.0.0 node-inspect-extracted@3.3.3
 *   LIBS_DIR=/tmp/libs/node_modules node --no-node-snapshot --import tsx test/bench/isolate-libraries.ts
 * Builds the bootstrap as esbuild.mjs does (A), with `URL`/`URLSearchParams`
 * from whatwg-url-without-unicode (url), and with node-inspect-extracted
 * added beside the own inspect (inspect: an upper bound on time, the own
 * ~38 KB would go); then times, in alternating order, what a session's boot
 * pays for the bootstrap: isolate + context + compile (with the V8 code cache,
 * as runtime/host/script-cache.ts) + run.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ivm from '../../server/runtime/host/ivm';

const libs = process.env.LIBS_DIR;
if (!libs) throw new Error('set LIBS_DIR to a node_modules folder with the candidates');
const dir = path.join(__dirname, '../../server/runtime/isolate');
const source = readFileSync(path.join(dir, 'bootstrap.ts'), 'utf8');
const variants: Record<string, string> = {
  A: source,
  url: source.replace("import { URL, URLSearchParams } from './url';", "import { URL, URLSearchParams } from 'whatwg-url-without-unicode';"),
  inspect: `${source}\nimport * as NIE from 'node-inspect-extracted';\n(globalThis as any).__nie = NIE;\n`,
};
const RUNS = 60;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function main(): Promise<void> {
  for (const minify of [false, true]) {
    const codes: Record<string, string> = {};
    for (const [name, contents] of Object.entries(variants)) {
      const out = await build({
        stdin: { contents, resolveDir: dir, sourcefile: 'bootstrap.ts', loader: 'ts' }, bundle: true, platform: 'neutral', format: 'iife',
        mainFields: ['browser', 'module', 'main'], target: 'node20', minify, write: false, logLevel: 'error', nodePaths: [libs!],
      });
      codes[name] = `'use strict';\n${out.outputFiles[0].text}`;
    }
    const cache: Record<string, ivm.ExternalCopy<ArrayBuffer>> = {};
    const times: Record<string, number[]> = {};
    const once = async (name: string): Promise<number> => {
      const t0 = performance.now();
      const isolate = new ivm.Isolate({ memoryLimit: 128, inspector: true });
      const context = await isolate.createContext({ inspector: true });
      const script = await isolate.compileScript(codes[name], cache[name] ? { cachedData: cache[name] } : { produceCachedData: true });
      cache[name] ??= (script as { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData!;
      await script.run(context, { timeout: 5000 });
      const t = performance.now() - t0;
      if (await context.eval('typeof __vmsInstall') !== 'function') throw new Error(`${name}: the bootstrap did not run`);
      isolate.dispose();
      return t;
    };
    const names = Object.keys(codes);
    for (const n of names) await once(n); // the first boot of a host makes the code cache
    for (let round = 0; round < RUNS; round++) {
      for (const n of round % 2 ? [...names].reverse() : names) (times[n] ??= []).push(await once(n));
    }
    for (const n of names) {
      console.log(`${minify ? 'minified' : 'dev     '} ${n.padEnd(8)} ${String(codes[n].length).padStart(7)} B  boot median ${median(times[n]).toFixed(2)} ms (${RUNS} alternating runs)`);
    }
  }
}

void main();
