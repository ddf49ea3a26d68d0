// Installs what the VS Code end-to-end tests need, on first use, outside the
// project's own dependencies: Debian packages (chromium, libkrb5-dev, ripgrep)
// and code-server + playwright-core in test/vscode/.tools/ (git-ignored).
// See ../../../shared/VSCODE-E2E.md for why each step is there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const PLAYWRIGHT_VERSION = '1.65.1';
export const TOOLS = path.join(path.dirname(fileURLToPath(import.meta.url)), '.tools');
export const CHROMIUM = '/usr/bin/chromium';

const STAMP = path.join(TOOLS, 'installed.json');
const WANT = { 'code-server': CODE_SERVER_VERSION, 'playwright-core': PLAYWRIGHT_VERSION };

function log(msg) { process.stderr.write(`[vscode-e2e] ${msg}\n`); }

function hasDebianPackage(name) {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.includes('install ok installed');
  } catch { return false; }
}

function ensureDebianPackages() {
  const missing = ['chromium', 'libkrb5-dev', 'ripgrep'].filter((p) => !hasDebianPackage(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} — run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

/** @vscode/ripgrep downloads rg from GitHub at install time; it looks in this cache first. */
function seedRipgrepCache() {
  const cache = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const tarball = path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(tarball)) return;
  mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['-czf', tarball, '-C', '/usr/bin', 'rg']);
}

function installed() {
  try { return JSON.stringify(JSON.parse(readFileSync(STAMP, 'utf8'))) === JSON.stringify(WANT); } catch { return false; }
}

export function ensureTools() {
  ensureDebianPackages();
  if (installed() && existsSync(path.join(TOOLS, 'node_modules/code-server/out/node/entry.js'))) return;
  log(`installing code-server ${CODE_SERVER_VERSION} and playwright-core ${PLAYWRIGHT_VERSION} into ${TOOLS} (once, ~1 min)`);
  mkdirSync(TOOLS, { recursive: true });
  writeFileSync(path.join(TOOLS, 'package.json'), JSON.stringify({ name: 'vm-system-vscode-e2e-tools', private: true, dependencies: WANT }, null, 2));
  // As root, code-server's postinstall needs unsafe-perm; node-pty's runs `npx node-gyp`.
  writeFileSync(path.join(TOOLS, '.npmrc'), 'unsafe-perm=true\nyes=true\naudit=false\nfund=false\n');
  seedRipgrepCache();
  execFileSync('npm', ['install', '--no-package-lock', '--loglevel=error'], { cwd: TOOLS, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' } });
  writeFileSync(STAMP, JSON.stringify(WANT));
}

export function codeServerEntry() { return path.join(TOOLS, 'node_modules/code-server/out/node/entry.js'); }

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = Date.now();
  ensureTools();
  log(`tools ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
