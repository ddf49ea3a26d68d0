import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/temp';
import { daemonArgs, engineMajors, expandHome, isSupportedNode, parseNodeVersion, probeNode, versionManagerNodes, versionText } from '../../extension/node-version';

test('node versions', () => {
  assert.deepEqual(parseNodeVersion('v20.10.0\n'), [20, 10, 0]);
  assert.equal(parseNodeVersion('command not found'), undefined);
  const check = (v: string, ok: boolean) => assert.equal(isSupportedNode(parseNodeVersion(v)!), ok, v);
  check('v18.19.0', false);
  check('v20.9.9', false);
  check('v20.10.0', true);
  check('v20.20.2', true);
  check('v22.0.0', true);
  assert.equal(versionText([20, 10, 0]), 'v20.10.0');
});

test('settings paths and daemon arguments', () => {
  assert.equal(expandHome('~/x.db', '/home/u'), '/home/u/x.db');
  assert.equal(expandHome('  ', '/home/u'), undefined);
  assert.equal(expandHome('/abs', '/home/u'), '/abs');
  assert.deepEqual(daemonArgs('/ext/dist/daemon.js', '/d/x.db'),
    ['/ext/dist/daemon.js', 'serve', '--stdio', '--socket', '--db', '/d/x.db']);
});

test('probing node: this one, a missing one, an old one', async () => {
  const here = await probeNode(process.execPath);
  assert.ok(here.ok && here.node.version[0] >= 20);
  const missing = await probeNode('/nonexistent/node');
  assert.ok(!missing.ok && /was not found/.test(missing.reason));
  const dir = tempDir('vms-node-');
  const old = path.join(dir, 'node');
  writeFileSync(old, '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
  const probe = await probeNode(old);
  assert.ok(!probe.ok && /is v18\.19\.0/.test(probe.reason));
});

test('version managers: nvm, fnm, volta and asdf installs, newest first; env overrides the default places', () => {
  const home = '/home/u';
  const dirs: Record<string, string[]> = {
    '/home/u/.nvm/versions/node': ['v20.11.0', 'v24.1.0', 'not-a-version'],
    '/home/u/.local/share/fnm/node-versions': ['v22.3.0'],
    '/home/u/.volta/tools/image/node': ['24.2.0'],
    '/opt/asdf/installs/nodejs': ['22.10.0'],
  };
  const list = (dir: string) => { if (!dirs[dir]) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); return dirs[dir]; };
  const found = versionManagerNodes({ ASDF_DATA_DIR: '/opt/asdf' }, home, 'linux', list);
  assert.deepEqual(found.map((n) => [n.manager, n.path]), [
    ['volta', '/home/u/.volta/tools/image/node/24.2.0/bin/node'],
    ['nvm', '/home/u/.nvm/versions/node/v24.1.0/bin/node'],
    ['asdf', '/opt/asdf/installs/nodejs/22.10.0/bin/node'],
    ['fnm', '/home/u/.local/share/fnm/node-versions/v22.3.0/installation/bin/node'],
    ['nvm', '/home/u/.nvm/versions/node/v20.11.0/bin/node'],
  ]);
  const win = versionManagerNodes({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u', 'win32',
    (dir) => (dir === 'C:\\Users\\u\\AppData\\Roaming\\nvm' ? ['v22.1.0'] : dir === 'C:\\Users\\u\\AppData\\Local\\Volta\\tools\\image\\node' ? ['24.0.0'] : []));
  assert.deepEqual(win.map((n) => n.path), ['C:\\Users\\u\\AppData\\Local\\Volta\\tools\\image\\node\\24.0.0\\node.exe', 'C:\\Users\\u\\AppData\\Roaming\\nvm\\v22.1.0\\node.exe']);
});

test('engine majors: 22 and 24 with isolated-vm 6 installed, 20 only where 5.0.4 was compiled', () => {
  const has = (...files: string[]) => (p: string) => files.includes(p);
  assert.deepEqual(engineMajors('/ext', has('/ext/node_modules/isolated-vm/package.json')), [22, 24]);
  assert.deepEqual(engineMajors('/ext', has('/ext/node_modules/isolated-vm/package.json', '/ext/node_modules/isolated-vm-node20/out/isolated_vm.node')), [20, 22, 24]);
  assert.deepEqual(engineMajors('/ext', has('/ext/node_modules/isolated-vm-node20/package.json')), []);
});

test('probing node against the engines of this install', async () => {
  const major = Number.parseInt(process.versions.node, 10);
  const other = await probeNode(process.execPath, [major + 1]);
  assert.ok(!other.ok && /no sandbox engine/.test(other.reason), JSON.stringify(other));
  assert.ok((await probeNode(process.execPath, [major])).ok);
});
