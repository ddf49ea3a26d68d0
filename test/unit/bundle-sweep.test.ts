/**
 * The package bundle cache's sweep (server/runtime/bundle-sweep.ts), on a real
 * folder laid out as runtime hosts write it: what nobody used for 30 days
 * goes, so do temp files a killed host left; what was used, what is not the
 * cache's own, and anything behind a link stay.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { sweepBundles, touchIfStale } from '../../server/runtime/bundle-sweep';
import { tempDir } from '../helpers/temp';

const DAY = 24 * 60 * 60 * 1000;
const KEY = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const V8 = '11.3.244.8-node.38';

function file(dir: string, name: string, ageMs: number, now: number): string {
  const p = path.join(dir, name);
  writeFileSync(p, 'x');
  utimesSync(p, (now - ageMs) / 1000, (now - ageMs) / 1000);
  return p;
}

test('unused bundles and code caches go after 30 days, temp files after an hour; the rest stays', () => {
  const now = Date.now();
  const dir = tempDir('vmsys-bundles-');
  file(dir, `${KEY}.json`, 31 * DAY, now);
  file(dir, `${KEY}.${V8}.v8cache`, 31 * DAY, now);
  file(dir, `${OTHER}.json`, 29 * DAY, now);
  file(dir, `${OTHER}.${V8}.v8cache`, 2 * DAY, now);
  file(dir, `${KEY}.4242.tmp`, 2 * 60 * 60 * 1000, now);
  file(dir, `${KEY}.${V8}.v8cache.4242.tmp`, 2 * 60 * 60 * 1000, now);
  file(dir, `${OTHER}.4243.tmp`, 10 * 60 * 1000, now);
  // Not the cache's own names, however old.
  file(dir, 'notes.txt', 400 * DAY, now);
  file(dir, `${KEY}.json.bak`, 400 * DAY, now);
  // A link with a cache name is not followed, nor removed: the cache never writes links.
  const outside = tempDir('vmsys-outside-');
  const target = file(outside, 'precious.json', 400 * DAY, now);
  symlinkSync(target, path.join(dir, `${'c'.repeat(40)}.json`));
  mkdirSync(path.join(dir, `${'d'.repeat(40)}.json`));

  assert.equal(sweepBundles(dir, now), 4);
  assert.deepEqual(readdirSync(dir).sort(), [
    `${OTHER}.${V8}.v8cache`, `${OTHER}.4243.tmp`, `${OTHER}.json`, `${KEY}.json.bak`,
    `${'c'.repeat(40)}.json`, `${'d'.repeat(40)}.json`, 'notes.txt',
  ].sort());
  assert.equal(existsSync(target), true);
  assert.equal(sweepBundles(path.join(dir, 'missing'), now), 0, 'no cache folder yet');
});

test('a read marks the file as used, at most once a day', () => {
  const now = Date.now();
  const dir = tempDir('vmsys-bundles-');
  const old = file(dir, `${KEY}.json`, 40 * DAY, now);
  const recent = file(dir, `${OTHER}.json`, DAY / 2, now);
  touchIfStale(old, lstatSync(old).mtimeMs, now);
  touchIfStale(recent, lstatSync(recent).mtimeMs, now);
  assert.ok(Math.abs(lstatSync(old).mtimeMs - now) < 2000, 'touched');
  assert.ok(Math.abs(lstatSync(recent).mtimeMs - (now - DAY / 2)) < 2000, 'left as it was');
  assert.equal(sweepBundles(dir, now + 29 * DAY), 0);
});
