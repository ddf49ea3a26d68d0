/**
 * The public entry points as a user gets them: `npm pack` of this checkout,
 * installed into a fresh consumer package (ES module and CommonJS variants),
 * type-checked with node16 resolution, then the documented snippets
 * (examples/client/*, the same text as docs/client.md) run and print 42.
 *
 * Installed the way npm lays a package out — the tarball unpacked as
 * node_modules/vm-system, its dependencies beside it — without npm itself:
 * tests reach no registry, and npm would need one to resolve the
 * dependencies' ranges. The dependencies are this checkout's own installs
 * (linked), so the engine is the one built for this Node. What is tested is
 * ours: the package's contents, its `exports` map, its types, its runtime.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, tempDir } from '../helpers/daemon';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const tsxLoader = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/loader.mjs')).href;
let dir: string;
let tarball: string;

before(() => {
  dir = tempDir('vmsys-consumer-');
  // The bundles are built (npm test builds first); `npm pack` would run prepack and rebuild
  // dist/ under the other test files' daemons, so the types are made here and pack runs no script.
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.types.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  tarball = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function consumer(name: string, type: 'module' | 'commonjs'): string {
  const folder = path.join(dir, name);
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name, private: true, type }));
  const modules = path.join(folder, 'node_modules');
  mkdirSync(path.join(modules, 'vm-system'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', path.join(modules, 'vm-system'), '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(path.join(modules, 'vm-system/package.json'), 'utf8')) as { dependencies: object; optionalDependencies: object };
  for (const dep of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies), '@esbuild']) {
    const mine = path.join(ROOT, 'node_modules', dep);
    if (existsSync(mine)) symlinkSync(mine, path.join(modules, dep));
  }
  return folder;
}

function typecheck(folder: string, file: string): void {
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
    '--skipLibCheck', '--typeRoots', path.join(ROOT, 'node_modules/@types'), '--types', 'node', file], { cwd: folder, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc ${file}:\n${r.stdout}${r.stderr}`);
}

function run(folder: string, file: string): string {
  const r = spawnSync(process.execPath, ['--import', tsxLoader, file], {
    cwd: folder, encoding: 'utf8', timeout: 60000, env: { ...process.env, VM_SYSTEM_DB: path.join(folder, 'demo.db') },
  });
  assert.equal(r.status, 0, `${file}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

test('the package holds the compiled entry points and their types, nothing of the sources', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of ['dist/client.cjs', 'dist/client.mjs', 'dist/protocol.cjs', 'dist/protocol.mjs', 'dist/types/client/index.d.ts', 'dist/types/server/protocol/index.d.ts', 'bin/vm-system.js', 'dist/daemon.js', 'dist/daemon-main.js', 'dist/runtime-host.js', 'dist/database-worker.js', 'dist/isolate-bootstrap.js', 'dist/sql-wasm.wasm']) {
    assert.ok(files.includes(`package/${f}`), f);
  }
  assert.deepEqual(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f)), []);
  assert.deepEqual(files.filter((f) => /^package\/(server|cli|client|extension|test)\//.test(f)), []);
});

test('an ES module consumer: the documented snippet type-checks and prints 42', () => {
  const folder = consumer('esm-consumer', 'module');
  writeFileSync(path.join(folder, 'snippet.mts'), readFileSync(path.join(ROOT, 'examples/client/esm.mts'), 'utf8'));
  typecheck(folder, 'snippet.mts');
  const out = run(folder, 'snippet.mts');
  assert.match(out, /^console: hello\n42\n$/);
});

test('a CommonJS consumer: the documented snippet type-checks and prints 42', () => {
  const folder = consumer('cjs-consumer', 'commonjs');
  writeFileSync(path.join(folder, 'snippet.cts'), readFileSync(path.join(ROOT, 'examples/client/cjs.cts'), 'utf8'));
  typecheck(folder, 'snippet.cts');
  assert.equal(run(folder, 'snippet.cts'), '42\n');
  // and plain require() of the compiled entry points
  const r = spawnSync(process.execPath, ['-e', "const c = require('vm-system/client'); const p = require('vm-system/protocol'); console.log(typeof c.spawnDaemon, p.ExecutionsRepl.method)"], { cwd: folder, encoding: 'utf8' });
  assert.equal(r.stdout, 'function executions/repl\n', r.stderr);
});

test('docs/client.md shows exactly the tested snippets', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/client.md'), 'utf8');
  for (const file of ['examples/client/esm.mts', 'examples/client/cjs.cts']) {
    assert.ok(doc.includes(readFileSync(path.join(ROOT, file), 'utf8')), `${file} is not in docs/client.md verbatim`);
  }
});
