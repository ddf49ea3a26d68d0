/**
 * verifyIntegrity (ssri): a tarball passes only against the strongest spec
 * hash it is given, or the legacy sha1 shasum when there is none; anything
 * else is refused with a message the install error carries.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import test from 'node:test';
import { RegistryError, verifyIntegrity } from '../../server/libraries/registry-fetch';

const bytes = Buffer.from('a tarball, as far as hashing is concerned');
const other = Buffer.from('another tarball');
const sri = (algorithm: string, data: Buffer) => `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;
const sha1Hex = (data: Buffer) => createHash('sha1').update(data).digest('hex');

test('a matching sha512 passes; a different tarball fails naming the algorithm', () => {
  verifyIntegrity(bytes, sri('sha512', bytes), undefined, 'pkg@1');
  assert.throws(() => verifyIntegrity(other, sri('sha512', bytes), undefined, 'pkg@1'), (e: Error) => e instanceof RegistryError && /^pkg@1: integrity check failed \(sha512\)$/.test(e.message));
});

test('the strongest hash of a list decides: a good sha256 does not excuse a bad sha512', () => {
  verifyIntegrity(bytes, `${sri('sha256', bytes)} ${sri('sha512', bytes)}`, undefined, 'pkg@1');
  assert.throws(() => verifyIntegrity(bytes, `${sri('sha256', bytes)} ${sri('sha512', other)}`, undefined, 'pkg@1'), /integrity check failed \(sha512\)/);
});

test('sha1 in the integrity string does not count; the shasum is the sha1 fallback', () => {
  assert.throws(() => verifyIntegrity(bytes, sri('sha1', bytes), undefined, 'pkg@1'), /no integrity hash/);
  verifyIntegrity(bytes, sri('sha1', bytes), sha1Hex(bytes), 'pkg@1');
  verifyIntegrity(bytes, undefined, sha1Hex(bytes), 'pkg@1');
  assert.throws(() => verifyIntegrity(other, undefined, sha1Hex(bytes), 'pkg@1'), /integrity check failed \(sha1\)/);
});

test('no hash at all, or garbage, is refused', () => {
  assert.throws(() => verifyIntegrity(bytes, undefined, undefined, 'pkg@1'), /no integrity hash/);
  assert.throws(() => verifyIntegrity(bytes, '', '', 'pkg@1'), /no integrity hash/);
  assert.throws(() => verifyIntegrity(bytes, 'not an integrity', undefined, 'pkg@1'), /no integrity hash/);
});
