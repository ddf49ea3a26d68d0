// `npm run package`: writes vm-system-<version>.vsix at the repository root.
//
// The VSIX is platform-specific (`vsce --target`, this machine's platform): it
// carries the native engines the daemon loads on the user's Node, which is not
// the editor's runtime —
//   - isolated-vm ^6.2.0 with its prebuilt binaries for this platform (Node 22
//     and 24; fetched from the registry even when this machine's Node skips it),
//   - isolated-vm 5.0.4 (alias isolated-vm-node20) for Node 20, when this
//     checkout compiled it (it has no prebuilt binaries),
//   - esbuild with its binary for this platform (TypeScript in sessions and in
//     Run Selection).
// Everything else is bundled into dist/ (production build). @vscode/vsce is
// installed on first use into extension/package/.tools (git-ignored), outside
// the project's dependencies, like the e2e suite's tools.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const TOOLS = path.join(here, '.tools');
// The last @vscode/vsce whose engines allow Node 20 (4.x needs 22).
const VSCE_VERSION = '3.9.2';
/** Runtime packages the bundles leave external (esbuild.mjs `external`). */
const RUNTIME_PACKAGES = ['isolated-vm', 'isolated-vm-node20', 'esbuild'];

const log = (msg) => process.stderr.write(`[package] ${msg}\n`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });

function vscePath() {
  const bin = path.join(TOOLS, 'node_modules/@vscode/vsce/vsce');
  const stamp = path.join(TOOLS, 'node_modules/@vscode/vsce/package.json');
  if (existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).version === VSCE_VERSION) return bin;
  log(`installing @vscode/vsce ${VSCE_VERSION} into ${path.relative(root, TOOLS)} (once)`);
  mkdirSync(TOOLS, { recursive: true });
  writeFileSync(path.join(TOOLS, 'package.json'), `${JSON.stringify({ name: 'vm-system-package-tools', private: true }, null, 2)}\n`);
  // keytar (optional) is for publishing credentials; packaging does not need it.
  run(npm, ['install', '--no-package-lock', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error', `@vscode/vsce@${VSCE_VERSION}`], TOOLS);
  return bin;
}

/** The exact versions the lockfile pins, as install specs (aliases kept). */
function lockedSpecs(pkg) {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const wanted = { ...pkg.dependencies, ...pkg.optionalDependencies };
  return Object.fromEntries(RUNTIME_PACKAGES.map((name) => {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry) throw new Error(`package-lock.json has no ${name}`);
    return [name, String(wanted[name]).startsWith('npm:') ? `npm:${entry.name}@${entry.version}` : entry.version];
  }));
}

function vsceTarget() {
  const libc = process.platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime ? 'alpine' : process.platform;
  return `${libc}-${process.arch}`;
}

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
const stage = mkdtempSync(path.join(os.tmpdir(), 'vms-vsix-'));
try {
  const vsce = vscePath();
  run(process.execPath, [path.join(root, 'esbuild.mjs'), '--production', `--out=${path.join(stage, 'dist')}`], root);
  rmSync(path.join(stage, 'dist/vm-system-fast'), { force: true }); // the CLI's native client: not part of the extension

  const manifest = {
    name: pkg.name, displayName: pkg.displayName, version: pkg.version, description: pkg.description, publisher: pkg.publisher,
    license: pkg.license, engines: pkg.engines, main: pkg.main, activationEvents: pkg.activationEvents, contributes: pkg.contributes,
    categories: ['Programming Languages', 'Notebooks', 'Other'], keywords: ['javascript', 'typescript', 'repl', 'sandbox', 'isolated-vm'],
    dependencies: lockedSpecs(pkg),
  };
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // --ignore-scripts: no compiles here; engines are not checked for these
  // (non-optional) dependencies, so isolated-vm 6 arrives even on Node 20.
  run(npm, ['install', '--ignore-scripts', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], stage);

  const node20Binary = path.join(root, 'node_modules/isolated-vm-node20/out/isolated_vm.node');
  if (existsSync(node20Binary)) {
    const target = path.join(stage, 'node_modules/isolated-vm-node20/out/isolated_vm.node');
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(node20Binary, target);
    try { execFileSync('strip', ['--strip-unneeded', target], { stdio: 'ignore' }); } catch { /* no strip: larger, same code */ }
  } else {
    log('warning: isolated-vm 5.0.4 is not compiled in this checkout (node_modules/isolated-vm-node20/out): this VSIX will not run sessions on Node 20');
  }

  copyFileSync(path.join(here, 'README.md'), path.join(stage, 'README.md'));
  copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
  const platformDir = `${process.platform}-${process.arch}`;
  writeFileSync(path.join(stage, '.vscodeignore'), [
    // isolated-vm's sources and other platforms' binaries are not needed to run
    'node_modules/isolated-vm*/src/**', 'node_modules/isolated-vm*/vendor/**', 'node_modules/isolated-vm*/native-example/**',
    'node_modules/isolated-vm*/Dockerfile*', 'node_modules/isolated-vm*/binding.gyp', 'node_modules/isolated-vm*/scripts/**',
    'node_modules/isolated-vm*/*.d.ts', 'node_modules/isolated-vm*/inspector-example.js',
    'node_modules/isolated-vm/prebuilds/**', `!node_modules/isolated-vm/prebuilds/${platformDir}/**`,
    'node_modules/**/*.md', 'node_modules/**/*.d.ts', '**/*.map',
  ].join('\n'));
  run(process.execPath, [vsce, 'package', '--target', vsceTarget(), '--allow-missing-repository', '-o', out], stage);
  log(`wrote ${path.relative(process.cwd(), out)} (${(statSync(out).size / 1048576).toFixed(1)} MB, target ${vsceTarget()})`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
