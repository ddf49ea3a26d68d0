// Bundles the CLI (which contains the daemon), the runtime host, the code that
// boots inside every isolate, and the VS Code extension into dist/.
// Type-checking is separate (`npm run typecheck`); this only transpiles.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const out = path.join(root, 'dist');
mkdirSync(out, { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Native addon and esbuild's binary stay outside the bundle; sql.js finds
  // its wasm next to the bundle (copied below).
  external: ['isolated-vm', 'esbuild', 'sql.js/dist/sql-wasm.wasm'],
};

/**
 * dist/cli.js holds only the entry and the `exec repl` fast path; the full
 * program (commander, zod, vscode-jsonrpc, every command) is dist/cli-program.js,
 * required when needed. V8 compiles a whole bundle when it loads it: the fast
 * path then skips compiling ~800 KB.
 */
const programApart = {
  name: 'program-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/program$/ }, (args) => (args.importer.endsWith(path.join('cli', 'main.ts')) ? { path: './cli-program.js', external: true } : undefined));
  },
};

const entries = [
  { in: 'cli/main.ts', out: 'cli.js', opts: { ...node, plugins: [programApart] } },
  { in: 'cli/program.ts', out: 'cli-program.js', opts: node },
  { in: 'server/main.ts', out: 'daemon.js', opts: node },
  { in: 'server/runtime/host/main.ts', out: 'runtime-host.js', opts: node },
  // One per configured session database (server/modules/database-client.ts): SQL off the host's main thread.
  { in: 'server/modules/database-worker.ts', out: 'database-worker.js', opts: node },
  // Runs inside each isolate: no Node, no host; an IIFE that installs the session globals.
  { in: 'server/runtime/isolate/bootstrap.ts', out: 'isolate-bootstrap.js', opts: { ...node, platform: 'neutral', format: 'iife', external: [], sourcemap: false, mainFields: ['browser', 'module', 'main'] } },
  { in: 'extension/extension.ts', out: 'extension.js', opts: { ...node, external: [...node.external, 'vscode'] } },
];

await Promise.all(entries
  .filter((e) => existsSync(path.join(root, e.in)))
  .map((e) => build({ ...e.opts, entryPoints: [path.join(root, e.in)], outfile: path.join(out, e.out) })));

cpSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(out, 'sql-wasm.wasm'));

// The native `exec repl` client (cli/native/fast-exec.c). Optional: without a C
// compiler bin/vm-system runs the JavaScript CLI for everything.
const fastSource = path.join(root, 'cli/native/fast-exec.c');
const fastOut = path.join(out, 'vm-system-fast');
if (existsSync(fastSource) && (!existsSync(fastOut) || statSync(fastOut).mtimeMs < statSync(fastSource).mtimeMs)) {
  const cc = spawnSync(process.env.CC || 'cc', ['-O2', '-Wall', '-o', fastOut, fastSource], { encoding: 'utf8' });
  if (cc.status !== 0) {
    rmSync(fastOut, { force: true });
    console.warn(`esbuild.mjs: the native exec client was not built (${cc.error?.message ?? cc.stderr.trim()}); vm-system uses the JavaScript CLI for it`);
  }
}
