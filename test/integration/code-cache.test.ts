/**
 * V8's code cache of the daemon and CLI bundles (boot/code-cache.ts): it lives
 * only in a folder of the user's own, and nothing in it — or a folder that is
 * not safe — stops a start.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as P from '../../server/protocol';
import { CLI, startDaemon, tempDir } from '../helpers/daemon';

const isRoot = process.getuid?.() === 0;

/** A daemon on its own cache home: starts, answers a request that runs the store, stops cleanly (the cache is written at exit). */
async function daemonRuns(cacheHome: string): Promise<string> {
  const d = await startDaemon({ env: { XDG_CACHE_HOME: cacheHome } });
  const { templates } = await d.call(P.TemplatesList, { name: 'default' });
  assert.equal(templates.length, 1);
  assert.equal(await d.stop(), 0);
  return d.stderr();
}

const nodeCachesItself = typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';

test('the daemon keeps its code cache in a 0700 folder of the user\'s cache home, and a damaged cache still starts', async () => {
  const home = tempDir();
  const root = path.join(home, 'vm-system');
  const dir = path.join(root, 'v8-daemon');
  // Node 20 (our own cache files): the cache of an earlier build of the bundle goes when a new one is written.
  const earlier = path.join(dir, 'daemon-main.js-0123456789abcdef.v8');
  if (!nodeCachesItself) { mkdirSync(dir, { recursive: true, mode: 0o700 }); writeFileSync(earlier, 'an earlier build'); }
  await daemonRuns(home);
  assert.equal(existsSync(earlier), false);
  for (const d of [root, dir]) assert.equal(statSync(d).mode & 0o777, 0o700, d);
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(path.join(dir, f)).isFile());
  assert.ok(files.length > 0, 'a cache was written');
  // Garbage in every cache file (Node 20: ours; Node 22+: Node's own): V8 rejects it, the bundle compiles as usual.
  for (const f of files) writeFileSync(path.join(dir, f), randomBytes(statSync(path.join(dir, f)).size));
  const stderr = await daemonRuns(home);
  assert.doesNotMatch(stderr, /no compile cache/);
});

test('a cache folder open to other users is not used, and the daemon and CLI start anyway', async () => {
  const home = tempDir();
  const root = path.join(home, 'vm-system');
  mkdirSync(root, { mode: 0o700 });
  chmodSync(root, 0o777);
  const stderr = await daemonRuns(home);
  assert.match(stderr, /no compile cache \(.*open to other users \(mode 777\)\)/);
  assert.deepEqual(readdirSync(root), [], 'nothing written in it');
  // The CLI says nothing about it: its output is the command's.
  const cli = spawnSync(process.execPath, [CLI, '--help'], { env: { ...process.env, XDG_CACHE_HOME: home }, encoding: 'utf8' });
  assert.equal(cli.status, 0);
  assert.equal(cli.stderr, '');
  assert.match(cli.stdout, /^Usage: vm-system/);
  assert.deepEqual(readdirSync(root), []);
});

test('a cache folder writable by others one level up is not used', async () => {
  const home = tempDir();
  chmodSync(home, 0o777); // not sticky: anyone could swap vm-system/ for a folder of theirs
  const stderr = await daemonRuns(home);
  assert.match(stderr, /no compile cache \(.*writable by other users/);
  chmodSync(home, 0o700);
});

test('a cache folder owned by another user is not used', { skip: !isRoot && 'making a folder of another user needs root' }, async () => {
  const home = tempDir();
  const root = path.join(home, 'vm-system');
  const dir = path.join(root, 'v8-daemon');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const planted = path.join(dir, 'planted.v8');
  writeFileSync(planted, 'not yours');
  chownSync(dir, 4242, 4242);
  chownSync(planted, 4242, 4242);
  const stderr = await daemonRuns(home);
  assert.match(stderr, /no compile cache \(.*belongs to user 4242/);
  assert.deepEqual(readdirSync(dir), ['planted.v8']);
  assert.equal(readFileSync(planted, 'utf8'), 'not yours');
});
