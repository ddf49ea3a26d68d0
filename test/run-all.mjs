// `npm test` after the build: every test file (test/vscode aside) under
// node's runner, with a TMPDIR of its own. Tests must remove what they make
// there (test/helpers/temp.ts); whatever is left — tools' caches (tsx's
// transforms, npm's compile cache, the XDG_CACHE_HOME this runner sets for V8's
// code cache of the bundles) and an empty private socket folder aside — is
// listed and fails the run. The folder itself is removed either
// way, so one run leaves nothing in the caller's TMPDIR.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const files = [];
(function walk(dir) {
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory() && rel !== path.join('test', 'vscode')) walk(rel);
    else if (e.isFile() && e.name.endsWith('.test.ts')) files.push(rel);
  }
})('test');
files.sort();

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vm-system-test-'));
let status = 1;
try {
  const run = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-force-exit', '--import', 'tsx', ...files], {
    // The daemons' and CLI's V8 code cache (boot/code-cache.ts) in this run's folder too, not the user's ~/.cache.
    cwd: root, stdio: 'inherit', env: { ...process.env, TMPDIR: tmp, XDG_CACHE_HOME: path.join(tmp, 'cache') },
  });
  status = run.status ?? 1;
  // Daemons with a socket path too long to sit beside the database share the user's private run folder
  // (<tmp>/vm-system-<uid>, docs/security.md): no daemon can remove it under the others, so an empty one is no leftover.
  const runDir = `vm-system-${process.getuid?.() ?? 0}`;
  // Tools' caches are not the tests' leftovers: tsx's transforms, the bundles' code cache (XDG_CACHE_HOME above),
  // and node-compile-cache, which npm turns on (module.enableCompileCache) on Node 22+ when a test runs `npm pack`.
  const left = readdirSync(tmp).filter((name) => !name.startsWith('tsx-') && name !== 'cache' && name !== 'node-compile-cache'
    && !(name === runDir && readdirSync(path.join(tmp, name)).length === 0));
  if (left.length) {
    console.error(`\nthe tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in TMPDIR: ${left.join(', ')}`);
    status ||= 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
}
process.exit(status);
