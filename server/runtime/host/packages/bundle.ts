/**
 * One package (with its dependencies) bundled by esbuild into a script a
 * session evaluates: `(function (module, exports, __vmsBuiltin) {…})`, CommonJS
 * inside, so `require`, static `import` and `import()` share one instance.
 *
 * - Conditions: `browser` (platform browser), then `import`/`require`, then
 *   `default`, in the package's `exports` order, as esbuild does it.
 * - Node built-ins are not bundled: each becomes a call to `__vmsBuiltin(name,
 *   package)` at the point the package requires it, so a package that only
 *   might need `fs` loads, and one that does need it fails naming itself.
 * - Nothing outside `root` is read: every bare specifier's package folder is
 *   checked (links included) before esbuild looks at it, and every loaded
 *   file is checked again.
 * - Source paths in the map are relative to `root` (`node_modules/ms/index.js`).
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { isInside } from '../../../files/inside';
import { exportsAsObject } from './export-object';
import { isBareSpecifier, packageIn, splitSpecifier, type LocatedPackage } from './locate';

export interface Bundle {
  code: string;
  map: string;
  /** The package's entry is an ES module (its namespace is what `require` answers). */
  esm: boolean;
  /** Files read, relative to the root (what the cache checks for changes). */
  inputs: string[];
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
export const BUNDLE_BANNER = '(function (module, exports, __vmsBuiltin) {';

let esbuild: typeof import('esbuild') | undefined;

/** The `name` of the package.json nearest above `file` (the package that wrote an import). */
function packageNameOf(file: string, root: string, names: Map<string, string>): string {
  let dir = path.dirname(file);
  while (isInside(root, dir)) {
    const known = names.get(dir);
    if (known) return known;
    try {
      const name = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string' && name) {
        names.set(dir, name);
        return name;
      }
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (dir === root) break;
    dir = path.dirname(dir);
  }
  return path.basename(path.dirname(file));
}

function confine(root: string): Plugin {
  const names = new Map<string, string>();
  return {
    name: 'vm-system-confine',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (BUILTINS.has(args.path)) {
          const builtin = args.path.replace(/^node:/, '');
          const pkg = args.importer ? packageNameOf(args.importer, root, names) : builtin;
          return { path: `${builtin}\0${pkg}`, namespace: 'vm-system-builtin' };
        }
        if (isBareSpecifier(args.path) && args.resolveDir) {
          const name = splitSpecifier(args.path)!.name;
          // The folder esbuild would use, checked first: throws for a link out of the root.
          let dir = args.resolveDir;
          while (isInside(root, dir)) {
            if (packageIn(dir, name, root, args.path)) break;
            if (dir === root) break;
            dir = path.dirname(dir);
          }
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'vm-system-builtin' }, (args) => {
        const [builtin, pkg] = args.path.split('\0');
        return { contents: `module.exports = __vmsBuiltin(${JSON.stringify(builtin)}, ${JSON.stringify(pkg)});`, loader: 'js' };
      });
      build.onLoad({ filter: /.*/ }, (args) => {
        if (args.namespace === 'file' && !isInside(root, args.path)) {
          return { errors: [{ text: `${args.path} is outside the worktree; sessions never read it` }] };
        }
        return undefined;
      });
    },
  };
}

/**
 * What the bundle's entry says. `require`: `module.exports = require(x)`,
 * right for any package. For a package whose entry is an ES module, its
 * modules are hoisted into one scope instead of each being wrapped in a lazy
 * initialiser that `require` calls (the bench's 200-module package loads in
 * half the time), and `require` answers what esbuild's `__toCommonJS(ns)`
 * would (`__esModule` and a getter per export):
 *
 * - `exports`: the package's exports re-exported by an ES-module bundle whose
 *   export clause becomes an object of getters (export-object.ts);
 * - `namespace`, where that cannot be (`export *` of CommonJS, `import.meta`):
 *   `import * as ns from x`, answered as is (it is already an object of
 *   getters; a copy of it cost another ~0.3 ms for 200 exports) with
 *   `__esModule` added.
 */
export type EntryShape = 'require' | 'exports' | 'namespace';

function entryCode(specifier: string, shape: EntryShape): string {
  const x = JSON.stringify(specifier);
  if (shape === 'require') return `module.exports = require(${x});`;
  // `export *` leaves out `default`; a property read of the namespace does not build it (esbuild warns when there is none).
  if (shape === 'exports') return `export * from ${x};\nimport * as __vmsNs from ${x};\nexport default __vmsNs.default;`;
  return [
    `import * as ns from ${x};`,
    // An export named __esModule (a transpiled module's own marker) stays as the package wrote it.
    "if (!Object.prototype.hasOwnProperty.call(ns, '__esModule')) Object.defineProperty(ns, '__esModule', { value: true });",
    'module.exports = ns;',
  ].join('\n');
}

/**
 * Whether to try the ES-module shapes first: when the package says it is an
 * ES module (`"type": "module"`, a `module` field, an `import` condition).
 * Only a guess: the build's metafile says what the entry is, and a wrong
 * guess is bundled again as `require`.
 */
function saysEsm(pkg: LocatedPackage): boolean {
  try {
    const manifest = JSON.parse(readFileSync(path.join(pkg.dir, 'package.json'), 'utf8')) as { type?: unknown; module?: unknown; exports?: unknown };
    return manifest.type === 'module' || typeof manifest.module === 'string' || JSON.stringify(manifest.exports ?? null).includes('"import"');
  } catch {
    return false; // no package.json (or not JSON): CommonJS, as Node would take it
  }
}

export async function bundlePackage(pkg: LocatedPackage, specifier: string): Promise<Bundle> {
  if (saysEsm(pkg)) {
    for (const shape of ['exports', 'namespace'] as const) {
      const bundle = await bundleAs(pkg, specifier, shape).catch(() => undefined);
      if (bundle?.esm) return bundle;
    }
  }
  return bundleAs(pkg, specifier, 'require');
}

async function bundleAs(pkg: LocatedPackage, specifier: string, shape: EntryShape): Promise<Bundle> {
  esbuild ??= require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: entryCode(specifier, shape), resolveDir: pkg.resolveDir, sourcefile: '<entry>', loader: 'js' },
    absWorkingDir: pkg.root,
    outfile: path.join(pkg.root, '[bundle].js'),
    bundle: true,
    write: false,
    format: shape === 'exports' ? 'esm' : 'cjs',
    platform: 'browser',
    // `browser` comes with the platform; `import` and `require` both, whichever the package lists first (Node would pick by how it is loaded).
    conditions: ['import', 'require'],
    target: 'es2022',
    sourcemap: 'external',
    metafile: true,
    logLevel: 'silent',
    banner: { js: BUNDLE_BANNER },
    footer: { js: '})' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    plugins: [confine(pkg.root)],
  });
  let code = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  if (shape === 'exports') {
    const withoutDefault = result.warnings.some((w) => w.text.startsWith('Import "default" will always be undefined'));
    const object = exportsAsObject(code, withoutDefault);
    if (object === undefined) throw new Error('the package cannot be answered as an object of its exports');
    code = object;
  }
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
  // The stdin entry is named from the package root: `<entry>`, or `sub/<entry>` for a package found below a subfolder.
  const entryName = Object.keys(result.metafile.inputs).find((p) => p === '<entry>' || p.endsWith('/<entry>'));
  const inputs = Object.keys(result.metafile.inputs).filter((p) => p !== entryName && !p.startsWith('vm-system-builtin:'));
  const entry = entryName === undefined ? undefined : result.metafile.inputs[entryName].imports.find((i) => i.kind === 'require-call' || i.kind === 'import-statement')?.path;
  const esm = entry !== undefined && result.metafile.inputs[entry]?.format === 'esm';
  return { code, map, esm, inputs };
}
