/**
 * Registry libraries ("Packages in sessions" in the contract): any spec on a
 * template, installed with its production dependency tree from a local fake
 * registry, integrity checked, the resolved tree recorded and loaded by the
 * template's sessions without any worktree node_modules.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, makeWorktree, startDaemon, type TestDaemon } from '../helpers/daemon';
import { startFakeRegistry, type FakePackage, type FakeRegistry } from '../helpers/fake-registry';

/** A `yup@1.4.0`-like package: four dependencies, one of which needs another version of a sibling (nested). */
export const YUP_TREE: FakePackage[] = [
  {
    name: 'yup', version: '1.4.0',
    dependencies: { 'property-expr': '^2.0.5', 'tiny-case': '^1.0.3', toposort: '^2.0.2', 'type-fest': '^2.19.0' },
    files: {
      'index.js': [
        "const { getter } = require('property-expr');",
        "const { camelCase } = require('tiny-case');",
        "const toposort = require('toposort');",
        "const fest = require('type-fest');",
        'exports.string = () => ({ validateSync(v) { if (typeof v !== "string") throw new TypeError("not a string: " + v); return v; } });',
        'exports.object = (shape) => ({ validateSync(v) { for (const k of Object.keys(shape)) shape[k].validateSync(getter(k)(v)); return v; } });',
        'exports.parts = () => [camelCase("hello there"), toposort([["a", "b"]]).join(">"), fest.kind];',
        '',
      ].join('\n'),
    },
  },
  { name: 'property-expr', version: '2.0.6', files: { 'index.js': 'exports.getter = (k) => (o) => o[k];\n' } },
  { name: 'tiny-case', version: '1.0.3', dependencies: { toposort: '^1.0.0' }, files: { 'index.js': "const t = require('toposort');\nexports.camelCase = (s) => s.replace(/ (\\w)/g, (_, c) => c.toUpperCase()) + (t.v1 ? '' : '!');\n" } },
  { name: 'toposort', version: '1.0.7', files: { 'index.js': 'module.exports = (edges) => edges.flat(); module.exports.v1 = true;\n' } },
  { name: 'toposort', version: '2.0.2', files: { 'index.js': 'module.exports = (edges) => edges.flat(); module.exports.v2 = true;\n' } },
  { name: 'type-fest', version: '2.19.0', files: { 'index.js': "exports.kind = 'types';\n" } },
  { name: 'ms', version: '2.0.0', files: { 'index.js': "module.exports = () => 'ms 2.0.0';\n" } },
  { name: 'ms', version: '2.1.3', files: { 'index.js': "module.exports = () => 'ms 2.1.3';\n" } },
  { name: '@acme/greet', version: '1.2.0', files: { 'package.json': '{"name":"@acme/greet","version":"1.2.0","type":"module","exports":{"import":"./index.mjs"}}', 'index.mjs': "export const greet = (n) => `hi ${n}`;\n" } },
];

let registry: FakeRegistry;
let d: TestDaemon;
const worktrees: string[] = [];
before(async () => {
  registry = await startFakeRegistry(YUP_TREE);
  d = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url } });
});
after(async () => {
  await d.stop();
  await registry.close();
  for (const dir of [...worktrees, d.dir]) rmSync(dir, { recursive: true, force: true });
});

async function templateWith(...libraries: string[]): Promise<string> {
  const t = await d.call(P.TemplatesCreate, { name: `reg-${Math.random().toString(36).slice(2, 8)}` });
  for (const name of libraries) await d.call(P.TemplatesAddLibrary, { templateId: t.id, name });
  return t.id;
}

async function sessionOf(templateId: string, files: Record<string, string> = {}): Promise<string> {
  const worktree = makeWorktree(files);
  worktrees.push(worktree);
  return (await d.call(P.SessionsCreate, { templateId, worktreePath: worktree })).id;
}

test('yup@1.4.0 installs with its 4 dependencies, integrity checked; sessions use it with no worktree node_modules', async () => {
  const templateId = await templateWith('yup@1.4.0');
  assert.deepEqual((await d.call(P.TemplatesListLibraries, { templateId })).libraries, ['yup@1.4.0']);
  // Not installed yet: the session cannot start.
  const missing = await errorOf(d.call(P.SessionsCreate, { templateId, worktreePath: makeWorktree() }));
  assert.equal(missing.code, 'LIBRARY_NOT_CACHED');
  assert.match(missing.error.message, /vm-system libs install yup@1\.4\.0/);

  const progress: unknown[] = [];
  d.connection.onNotification('$/progress', (p) => progress.push(p));
  const { installed } = await d.call(P.LibrariesInstall, { names: ['yup@1.4.0'], workDoneToken: 'yup' });
  assert.equal(installed.length, 1);
  const [yup] = installed;
  assert.deepEqual([yup.name, yup.version, yup.dependencies], ['yup', '1.4.0', 5], 'four dependencies plus toposort@1 nested under tiny-case');
  assert.match(yup.integrity, /^sha512-[A-Za-z0-9+/]+=*$/);
  assert.ok(existsSync(path.join(yup.path, 'node_modules/yup/index.js')));
  assert.ok(existsSync(path.join(yup.path, 'node_modules/tiny-case/node_modules/toposort/index.js')), 'the conflicting version is nested');
  assert.ok(progress.length >= 3);

  const s = await sessionOf(templateId);
  const r = await d.call(P.ExecutionsRepl, { sessionId: s, input: "const yup = require('yup'); [yup.object({ name: yup.string() }).validateSync({ name: 'x' }).name, ...yup.parts()]" });
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.result?.preview, "[ 'x', 'helloThere', 'a>b', 'types' ]");
  const bad = await d.call(P.ExecutionsRepl, { sessionId: s, input: "require('yup').string().validateSync(3)" });
  assert.equal(bad.error?.message, 'not a string: 3');
  // A static import in an ES-module run-file finds it too.
  const esm = await sessionOf(templateId, { 'main.mjs': "import { parts } from 'yup';\nexport default parts()[2];\n" });
  assert.equal((await d.call(P.ExecutionsRunFile, { sessionId: esm, path: 'main.mjs' })).result?.preview, 'types');

  const { libraries } = await d.call(P.LibrariesList, {});
  const listed = libraries.find((l) => l.name === 'yup');
  assert.deepEqual(listed && { ...listed, sizeKb: listed.sizeKb > 0 }, { name: 'yup', version: '1.4.0', integrity: yup.integrity, sizeKb: true, templates: [templateId] });
});

test('ranges, dist-tags and scoped names; sessions load the recorded tree until the next install', async () => {
  const templateId = await templateWith('ms@^2', '@acme/greet');
  assert.deepEqual((await d.call(P.TemplatesListLibraries, { templateId })).libraries, ['ms@^2', '@acme/greet']);
  const { installed } = await d.call(P.LibrariesInstall, { names: ['ms@^2', '@acme/greet'] });
  assert.deepEqual(installed.map((i) => `${i.name}@${i.version}`), ['ms@2.1.3', '@acme/greet@1.2.0']);
  const s = await sessionOf(templateId);
  const input = "[require('ms')(), (await import('@acme/greet')).greet('you')]";
  const both = await d.call(P.ExecutionsRepl, { sessionId: s, input });
  assert.equal(both.result?.preview, "[ 'ms 2.1.3', 'hi you' ]", JSON.stringify(both.error));

  // A newer version in the registry changes nothing until the spec is installed again.
  await registry.publish({ name: 'ms', version: '2.2.0', files: { 'index.js': "module.exports = () => 'ms 2.2.0';\n" } });
  const before = await sessionOf(templateId);
  assert.equal((await d.call(P.ExecutionsRepl, { sessionId: before, input: "require('ms')()" })).result?.preview, 'ms 2.1.3');
  await d.call(P.LibrariesInstall, { names: ['ms@^2'] });
  const afterInstall = await sessionOf(templateId);
  assert.equal((await d.call(P.ExecutionsRepl, { sessionId: afterInstall, input: "require('ms')()" })).result?.preview, 'ms 2.2.0');

  // Another version replaces the spec on the template (one entry per package).
  assert.deepEqual((await d.call(P.TemplatesAddLibrary, { templateId, name: 'ms@2.0.0' })).libraries, ['@acme/greet', 'ms@2.0.0']);
  assert.deepEqual((await d.call(P.TemplatesRemoveLibrary, { templateId, name: '@acme/greet' })).libraries, ['ms@2.0.0']);
});

test('failures: not a spec and unknown names are LIBRARY_NOT_FOUND; a bad tarball is LIBRARY_FETCH_FAILED and nothing is recorded', async () => {
  const templateId = await templateWith();
  for (const name of ['Not A Package!', 'http://example.com/x.tgz', '../x']) {
    assert.equal((await errorOf(d.call(P.TemplatesAddLibrary, { templateId, name }))).code, 'LIBRARY_NOT_FOUND', name);
  }
  assert.equal((await errorOf(d.call(P.LibrariesInstall, { names: ['left-pad-nowhere'] }))).code, 'LIBRARY_NOT_FOUND');
  assert.equal((await errorOf(d.call(P.LibrariesInstall, { names: ['ms@9'] }))).code, 'LIBRARY_NOT_FOUND');

  await registry.publish({ name: 'broken-dep', version: '1.0.0', corruptIntegrity: true, files: { 'index.js': '' } });
  await registry.publish({ name: 'uses-broken', version: '1.0.0', dependencies: { 'broken-dep': '1.0.0' }, files: { 'index.js': '' } });
  const failed = await errorOf(d.call(P.LibrariesInstall, { names: ['uses-broken'] }));
  assert.equal(failed.code, 'LIBRARY_FETCH_FAILED');
  assert.match(failed.error.message, /broken-dep@1\.0\.0: integrity check failed/);
  assert.equal((await d.call(P.LibrariesList, {})).libraries.some((l) => l.name === 'uses-broken'), false);
});

test('a dependency whose tarball is off the registry\'s origin is not fetched (LIBRARY_FETCH_FAILED), nothing recorded', async () => {
  let reached = 0;
  const elsewhere = http.createServer((_req, res) => { reached++; res.writeHead(404).end(); });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  try {
    const origin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    await registry.publish({ name: 'lured-dep', version: '1.0.0', tarballOrigin: origin, files: { 'index.js': '' } });
    await registry.publish({ name: 'uses-lured', version: '1.0.0', dependencies: { 'lured-dep': '1.0.0' }, files: { 'index.js': '' } });
    const failed = await errorOf(d.call(P.LibrariesInstall, { names: ['uses-lured'] }));
    assert.equal(failed.code, 'LIBRARY_FETCH_FAILED');
    assert.match(failed.error.message, /not on the registry's own origin/);
    assert.equal(reached, 0, 'the other service got no request');
    assert.equal((await d.call(P.LibrariesList, {})).libraries.some((l) => l.name === 'uses-lured'), false);
  } finally {
    elsewhere.close();
  }
});
