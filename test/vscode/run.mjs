// `npm run test:vscode`: end-to-end tests of the extension in a real VS Code
// (code-server 4.100.3 = VS Code 1.100.3) against the real daemon.
//   (a) extension-host integration tests (test/vscode/suite) via the
//       extensionTestsPath payload; exit code from `codeAutomationExit`;
//   (b) a UI test (test/vscode/ui.mjs) driving the workbench with
//       playwright-core + Debian Chromium; screenshots go to
//       test/vscode/.tools/screenshots/, or with --screenshots to docs/images/
//       (a plain run must not rewrite tracked files).
// First run installs its tools into test/vscode/.tools (see tools.mjs).
// Options: --host (only a), --ui (only b), --keep (keep the temp folders),
// --no-build (use dist/ as it is), --screenshots (refresh docs/images/),
// --vsix (package the VSIX with `npm run package` and run (b) with it installed
// by `code-server --install-extension`, as a user installs it, instead of the
// linked folder; (a) needs the folder and is skipped).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, log, startCodeServer, waitFor, workbenchUrl } from './harness.mjs';
import { TOOLS, codeServerEntry, ensureTools } from './tools.mjs';
import { runNoNodeTest, runUiTest } from './ui.mjs';
import { runRichUiTest } from './ui-rich.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = new Set(process.argv.slice(2));
const vsix = args.has('--vsix');
const only = vsix ? 'ui' : args.has('--host') ? 'host' : args.has('--ui') ? 'ui' : undefined;
const results = [];

function record(name, ok, ms, error) {
  results.push({ name, ok, ms, error });
  process.stdout.write(`${ok ? 'ok' : 'not ok'} - ${name}${ms !== undefined ? ` (${ms} ms)` : ''}\n${error ? `${indent(error)}\n` : ''}`);
}
const indent = (s) => String(s).split('\n').map((l) => `    ${l}`).join('\n');

function build() {
  const t = Date.now();
  if (!args.has('--no-build')) {
    const r = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const suite = spawnSync(process.execPath, ['-e', `
    require('esbuild').build({
      entryPoints: [${JSON.stringify(path.join(here, 'suite/index.ts'))}], bundle: true, platform: 'node', format: 'cjs',
      target: 'node20', external: ['vscode'], sourcemap: 'inline', logLevel: 'warning',
      outfile: ${JSON.stringify(path.join(TOOLS, 'out/suite.js'))},
    }).catch(() => process.exit(1));`], { cwd: root, stdio: 'inherit' });
  if (suite.status !== 0) throw new Error('bundling the extension-host tests failed');
  log(`built dist/ and the test suite in ${Date.now() - t} ms`);
}

function packageVsix() {
  const t = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'extension/package/vsix.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run package failed');
  log(`packaged the VSIX in ${Date.now() - t} ms`);
}

function installVsix(file, extensionsDir, csRoot) {
  const r = spawnSync(process.execPath, [codeServerEntry(), '--extensions-dir', extensionsDir, '--user-data-dir', path.join(csRoot, 'user-data'), '--install-extension', file],
    { encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{"serviceUrl":""}' } });
  if (r.status !== 0 || !/was successfully installed/.test(r.stdout + r.stderr)) throw new Error(`code-server --install-extension ${file} failed:\n${r.stdout}${r.stderr}`);
  // What runs is the unpacked VSIX, with its own engines: not a link to this checkout.
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('vm-system.vm-system-')).map((d) => path.join(extensionsDir, d));
  if (installed.length !== 1 || lstatSync(installed[0]).isSymbolicLink() || !existsSync(path.join(installed[0], 'node_modules/isolated-vm/package.json'))) {
    throw new Error(`the VSIX did not unpack as expected into ${extensionsDir}: ${installed.join(', ') || 'nothing'}`);
  }
  log(`installed ${path.basename(file)} as ${path.basename(installed[0])}`);
}

function workspaceCopy(tmp, name) {
  const ws = path.join(tmp, name);
  cpSync(path.join(here, 'fixtures/workspace'), ws, { recursive: true });
  return ws;
}

async function hostTests(tmp) {
  const ws = workspaceCopy(tmp, 'host-ws');
  const resultsFile = path.join(tmp, 'host-results.json');
  const server = await startCodeServer({
    root: path.join(tmp, 'host-cs'), workspace: ws, extensionsDir: path.join(tmp, 'host-cs/extensions'),
    settings: { 'vmSystem.dbPath': path.join(tmp, 'host.db') },
    env: { VMS_E2E_RESULTS: resultsFile },
  });
  const browser = await launchBrowser();
  const t = Date.now();
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { const text = m.text(); if (text.includes('[vms-e2e]')) log(text.replace(/^.*?\[vms-e2e\] /s, 'host: ')); });
    let exitCode;
    await page.exposeFunction('codeAutomationExit', (code) => { exitCode = code; });
    await page.goto(workbenchUrl(server, { folder: ws, extensionDevelopmentPath: root, extensionTestsPath: path.join(TOOLS, 'out/suite.js') }));
    await waitFor('the extension-host tests to finish', () => exitCode !== undefined, 300000, 200);
    let list = [];
    try { list = JSON.parse(readFileSync(resultsFile, 'utf8')); } catch { /* no results: the suite did not load */ }
    for (const r of list) record(`extension host: ${r.name}`, r.ok, r.ms, r.error);
    if (list.length === 0 || (exitCode !== 0 && list.every((r) => r.ok))) record('extension host: suite ran', false, Date.now() - t, `exit code ${exitCode}\n${server.output().slice(-3000)}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** A workbench with the extension installed as a user would have it: its folder in --extensions-dir. */
async function uiWorkbench(tmp, name, settings, body, env = {}) {
  const ws = workspaceCopy(tmp, `${name}-ws`);
  const ext = path.join(tmp, `${name}-cs/extensions`);
  mkdirSync(ext, { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  if (vsix) installVsix(path.join(root, `${pkg.name}-${pkg.version}.vsix`), ext, path.join(tmp, `${name}-cs`));
  else symlinkSync(root, path.join(ext, `${pkg.publisher}.${pkg.name}-${pkg.version}`));
  const server = await startCodeServer({
    root: path.join(tmp, `${name}-cs`), workspace: ws, extensionsDir: ext,
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, ...settings },
    env,
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await body({ page, url: workbenchUrl(server, { folder: ws }), workspace: ws,
      shots: args.has('--screenshots') ? path.join(root, 'docs/images') : path.join(TOOLS, 'screenshots'), failures: path.join(TOOLS, 'failures'), record });
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function uiTest(tmp) {
  const dbPath = path.join(tmp, 'ui.db');
  await uiWorkbench(tmp, 'ui', { 'vmSystem.dbPath': dbPath }, (ctx) => runUiTest({ ...ctx, dbPath }));
  await uiWorkbench(tmp, 'rich', { 'vmSystem.dbPath': path.join(tmp, 'rich.db') }, runRichUiTest);
  // No node on PATH either: the extension host may get the user settings after its first
  // request (harness.mjs), and it must then find no node there rather than run with PATH's.
  const noNodeBin = path.join(tmp, 'nonode-bin');
  mkdirSync(noNodeBin, { recursive: true });
  await uiWorkbench(tmp, 'nonode', { 'vmSystem.dbPath': path.join(tmp, 'nonode.db'), 'vmSystem.nodePath': path.join(tmp, 'no-such-node') }, runNoNodeTest, { PATH: noNodeBin });
}

const started = Date.now();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vms-e2e-'));
try {
  ensureTools();
  build();
  if (vsix) packageVsix();
  if (only !== 'ui') await hostTests(tmp);
  if (only !== 'host') await uiTest(tmp);
} catch (err) {
  record('vscode e2e run', false, undefined, err?.stack ?? String(err));
} finally {
  if (!args.has('--keep')) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
process.stdout.write(`\nvscode e2e: ${((Date.now() - started) / 1000).toFixed(1)} s\n${passed} passed, ${failed} failed\n`);
process.exit(failed || results.length === 0 ? 1 : 0);
