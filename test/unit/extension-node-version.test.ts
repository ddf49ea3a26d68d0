import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { daemonArgs, expandHome, isSupportedNode, parseNodeVersion, probeNode, versionText } from '../../extension/node-version';

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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vms-node-'));
  const old = path.join(dir, 'node');
  writeFileSync(old, '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
  const probe = await probeNode(old);
  assert.ok(!probe.ok && /is v18\.19\.0/.test(probe.reason));
});
