import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, makeWorktree, startDaemon } from '../helpers/daemon';
import { startFakeRegistry } from '../helpers/fake-registry';

const FAKE_LODASH = '(function (root) { root._ = { VERSION: "fake-4.17.21", chunk: function (a, n) { var out = []; for (var i = 0; i < a.length; i += n) out.push(a.slice(i, i + n)); return out; } }; })(this);';

test('libraries/install fetches, verifies and caches; a template with the library loads it', async () => {
  const registry = await startFakeRegistry([{ name: 'lodash', version: '4.17.21', files: { 'lodash.min.js': FAKE_LODASH, 'package.json': '{}' } }]);
  const d = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url, VM_SYSTEM_LIBRARY_PINS: 'ignore' } });
  try {
    const progress: unknown[] = [];
    d.connection.onNotification('$/progress', (p) => progress.push(p));
    const { installed } = await d.call(P.LibrariesInstall, { names: ['lodash'], workDoneToken: 'tok' });
    assert.deepEqual(installed.map((i) => [i.name, i.version]), [['lodash', '4.17.21']]);
    assert.ok(existsSync(path.join(installed[0].path, 'package/lodash.min.js')));
    assert.ok(progress.length >= 2, 'begin/end progress reported');
    const lodash = (await d.call(P.LibrariesListAvailable, {})).libraries.find((l) => l.name === 'lodash');
    assert.equal(lodash?.cached, true);
    assert.equal(lodash?.global, '_');

    const t = await d.call(P.TemplatesCreate, { name: 'with-lodash' });
    await d.call(P.TemplatesAddLibrary, { templateId: t.id, name: 'lodash' });
    const s = await d.call(P.SessionsCreate, { templateId: t.id, worktreePath: makeWorktree() });
    const r = await d.call(P.ExecutionsRepl, { sessionId: s.id, input: '_.chunk([1, 2, 3], 2)' });
    assert.equal(r.result?.preview, '[ [ 1, 2 ], [ 3 ] ]');
    // require and import of a catalog library answer its global: one instance.
    assert.equal((await d.call(P.ExecutionsRepl, { sessionId: s.id, input: "[require('lodash') === _, (await import('lodash')).default === _]" })).result?.preview, '[ true, true ]');
    // Installing again is a no-op on the network.
    const before = registry.requests.length;
    await d.call(P.LibrariesInstall, { names: ['lodash'] });
    assert.equal(registry.requests.length, before);
  } finally {
    await d.stop();
    await registry.close();
  }
});

test('sessions of a library template started from a ready spare are fresh, their own, and follow template changes', async () => {
  const registry = await startFakeRegistry([
    { name: 'lodash', version: '4.17.21', files: { 'lodash.min.js': FAKE_LODASH, 'package.json': '{}' } },
    { name: 'dayjs', version: '1.11.13', files: { 'dayjs.min.js': 'this.dayjs = function () { return "fake-dayjs"; };', 'package.json': '{}' } },
  ]);
  const d = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url, VM_SYSTEM_LIBRARY_PINS: 'ignore' } });
  try {
    await d.call(P.LibrariesInstall, { names: ['lodash', 'dayjs'] });
    const t = await d.call(P.TemplatesCreate, { name: 'spare-lodash' });
    await d.call(P.TemplatesAddLibrary, { templateId: t.id, name: 'lodash' });
    const first = await d.call(P.SessionsCreate, { templateId: t.id, worktreePath: makeWorktree() });
    await d.call(P.ExecutionsRepl, { sessionId: first.id, input: 'var mark = "first"; _.extra = 1' });
    // Several creates in a row: each takes the spare the previous one left (or builds its own).
    const others = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      others.push(await d.call(P.SessionsCreate, { templateId: t.id, worktreePath: makeWorktree() }));
    }
    for (const s of others) {
      const r = await d.call(P.ExecutionsRepl, { sessionId: s.id, input: '[typeof mark, _.extra, _.chunk([1, 2, 3], 2).length]' });
      assert.equal(r.result?.preview, "[ 'undefined', undefined, 2 ]", 'nothing of another session is visible');
      assert.equal(r.sessionId, s.id);
      const { executions } = await d.call(P.ExecutionsList, { sessionId: s.id });
      assert.deepEqual(executions.map((e) => e.id), [r.id]);
    }
    await d.call(P.SessionsClose, { sessionId: first.id });
    const after = await d.call(P.ExecutionsRepl, { sessionId: others[0].id, input: '_.VERSION' });
    assert.equal(after.result?.preview, 'fake-4.17.21', 'closing one session leaves the others');

    await d.call(P.TemplatesAddLibrary, { templateId: t.id, name: 'dayjs' });
    const changed = await d.call(P.SessionsCreate, { templateId: t.id, worktreePath: makeWorktree() });
    const r = await d.call(P.ExecutionsRepl, { sessionId: changed.id, input: 'typeof dayjs + " " + typeof _' });
    assert.equal(r.result?.preview, 'function object', 'a changed template never gets an old spare');
  } finally {
    await d.stop();
    await registry.close();
  }
});

test('a tarball that fails its integrity check is refused and nothing is cached', async () => {
  const registry = await startFakeRegistry([{ name: 'dayjs', version: '1.11.13', files: { 'dayjs.min.js': 'this.dayjs = 1' }, corruptIntegrity: true }]);
  const d = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url, VM_SYSTEM_LIBRARY_PINS: 'ignore' } });
  try {
    const { code, error } = await errorOf(d.call(P.LibrariesInstall, { names: ['dayjs'] }));
    assert.equal(code, 'LIBRARY_FETCH_FAILED');
    assert.match(error.message, /integrity/);
    assert.equal((await d.call(P.LibrariesListAvailable, {})).libraries.find((l) => l.name === 'dayjs')?.cached, false);
    assert.equal((await errorOf(d.call(P.LibrariesInstall, { names: ['left-pad'] }))).code, 'LIBRARY_NOT_FOUND');
  } finally {
    await d.stop();
    await registry.close();
  }
});

test('an uncached library at session start answers LIBRARY_NOT_CACHED with the fix', async () => {
  const d = await startDaemon();
  try {
    const t = await d.call(P.TemplatesCreate, { name: 'needs-moment' });
    await d.call(P.TemplatesAddLibrary, { templateId: t.id, name: 'moment' });
    const { code, error } = await errorOf(d.call(P.SessionsCreate, { templateId: t.id, worktreePath: makeWorktree() }));
    assert.equal(code, 'LIBRARY_NOT_CACHED');
    assert.match(error.message, /vm-system libs install moment/);
    assert.equal((await d.call(P.SessionsGet, { sessionId: error.data?.details?.sessionId as string })).status, 'crashed');
  } finally {
    await d.stop();
  }
});
