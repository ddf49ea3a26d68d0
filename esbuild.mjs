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
// --out=DIR: build elsewhere than dist/ (the VSIX packager builds a production copy).
const out = path.resolve(root, process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? 'dist');
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
  external: ['isolated-vm', 'isolated-vm-node20', 'esbuild', 'sql.js/dist/sql-wasm.wasm'],
};

// dist/cli.js holds only the entry and the `exec repl` fast path; the full program
// (commander, zod, vscode-jsonrpc, every command) is dist/cli-program.js, which
// cli/main.ts requires by path when needed (through V8's code cache, boot/code-cache.ts).

/**
 * vm-system/client uses vm-system/protocol's module (one copy of the contract
 * for the consumer): the import of server/protocol becomes the sibling bundle.
 */
const protocolBeside = (ext) => ({
  name: 'protocol-beside',
  setup(b) {
    b.onResolve({ filter: /server\/protocol$/ }, (args) => (args.importer.includes(`${path.sep}client${path.sep}`) ? { path: `./protocol.${ext}`, external: true } : undefined));
  },
});
// The public entry points (package.json "exports"): zod and vscode-jsonrpc are
// the consumer's dependencies (one vscode-jsonrpc for protocol and client: it
// compares its own constants by identity). vscode-jsonrpc has no "exports"
// map, hence the client's `vscode-jsonrpc/node.js` (an ES module needs the file).
const publicEntry = { ...node, external: [...node.external, 'zod', 'vscode-jsonrpc', 'vscode-jsonrpc/node.js'], sourcemap: false };
const esm = { format: 'esm', banner: { js: "import { createRequire as __vmsRequire } from 'node:module'; import { fileURLToPath as __vmsPath } from 'node:url'; import { dirname as __vmsDir } from 'node:path'; const require = __vmsRequire(import.meta.url); const __filename = __vmsPath(import.meta.url); const __dirname = __vmsDir(__filename);" } };

const entries = [
  { in: 'cli/main.ts', out: 'cli.js', opts: node },
  { in: 'cli/program.ts', out: 'cli-program.js', opts: node },
  // daemon.js is a small entry loading daemon-main.js through V8's code cache (boot/code-cache.ts).
  { in: 'server/entry.ts', out: 'daemon.js', opts: node },
  { in: 'server/main.ts', out: 'daemon-main.js', opts: node },
  { in: 'server/runtime/host/main.ts', out: 'runtime-host.js', opts: node },
  // One per configured session database (server/modules/database-client.ts): SQL off the host's main thread.
  { in: 'server/modules/database-worker.ts', out: 'database-worker.js', opts: node },
  // Runs inside each isolate: no Node, no host; an IIFE that installs the session globals.
  { in: 'server/runtime/isolate/bootstrap.ts', out: 'isolate-bootstrap.js', opts: { ...node, platform: 'neutral', format: 'iife', external: [], sourcemap: false, mainFields: ['browser', 'module', 'main'] } },
  { in: 'extension/extension.ts', out: 'extension.js', opts: { ...node, external: [...node.external, 'vscode'] } },
  // The REPL webview's script, loaded by the webview from dist/ (asWebviewUri).
  { in: 'extension/repl-webview/main.ts', out: 'repl-webview.js', opts: { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: production, sourcemap: false, logLevel: 'warning' } },
  { in: 'server/protocol/index.ts', out: 'protocol.cjs', opts: publicEntry },
  { in: 'server/protocol/index.ts', out: 'protocol.mjs', opts: { ...publicEntry, ...esm } },
  { in: 'client/index.ts', out: 'client.cjs', opts: { ...publicEntry, plugins: [protocolBeside('cjs')] } },
  { in: 'client/index.ts', out: 'client.mjs', opts: { ...publicEntry, ...esm, plugins: [protocolBeside('mjs')] } },
];

await Promise.all(entries
  .filter((e) => existsSync(path.join(root, e.in)))
  .map((e) => build({ ...e.opts, entryPoints: [path.join(root, e.in)], outfile: path.join(out, e.out) })));

cpSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(out, 'sql-wasm.wasm'));

// --types: the .d.ts of the public entry points (npm pack runs it: prepack).
if (process.argv.includes('--types')) {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.types.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(1);
}

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
