// Starts code-server (a real VS Code 1.100 workbench served over HTTP) and a
// headless Debian Chromium driven by playwright-core. No fixed sleeps: every
// wait polls a condition with a deadline.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { CHROMIUM, TOOLS, codeServerEntry } from './tools.mjs';

const require = createRequire(path.join(TOOLS, 'package.json'));

export function log(msg) { process.stderr.write(`[vscode-e2e] ${msg}\n`); }

export async function waitFor(what, check, timeoutMs = 30000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/**
 * @param {{root: string, workspace: string, extensionsDir: string, settings?: object, env?: object, logFile?: string}} opts
 */
export async function startCodeServer(opts) {
  const port = await freePort();
  const userData = path.join(opts.root, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(opts.extensionsDir, { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'files.autoSave': 'off',
    'window.restoreWindows': 'none',
    ...opts.settings,
  }, null, 2));
  const args = [codeServerEntry(), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--extensions-dir', opts.extensionsDir, '--user-data-dir', userData, opts.workspace];
  // The extension host may get the user settings after its first request (seen in CI): the
  // daemon it starts then must still use the test's database, never the user's own.
  const db = opts.settings?.['vmSystem.dbPath'];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, EXTENSIONS_GALLERY: '{"serviceUrl":""}', ...(db && { VM_SYSTEM_DB: db }), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => { output = (output + d.toString()).slice(-20000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.once('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('code-server /healthz', async () => {
    if (exited) throw new Error(`code-server exited:\n${output}`);
    const res = await fetch(`${url}/healthz`);
    return res.ok;
  }, 60000);
  return {
    url, port,
    output: () => output,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export async function launchBrowser() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-quic', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** URL that opens `folder` with an extension under development and (optionally) its tests. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const q = new URLSearchParams({ folder });
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `${server.url}/?${q.toString()}`;
}
