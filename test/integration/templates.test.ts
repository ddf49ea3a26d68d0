import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

test('create answers a TemplateDetail with the default settings', async () => {
  const t = await d.call(P.TemplatesCreate, { name: 'web' });
  assert.equal(t.engine, 'isolated-vm');
  assert.match(t.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(t.settings, P.DEFAULT_SETTINGS);
  assert.deepEqual([t.capabilities, t.startupFiles, t.modules, t.libraries], [[], [], [], []]);
  assert.ok(P.TemplateDetail.safeParse(t).success);
  assert.deepEqual(await d.call(P.TemplatesGet, { templateId: t.id }), t);
  const listed = await d.call(P.TemplatesList, { name: 'web' });
  assert.deepEqual(listed.templates.map((x) => x.id), [t.id]);
});

test('validation: engine, empty name, unknown fields, malformed ids', async () => {
  const cases: Array<[string, Promise<unknown>, string]> = [
    ['engine', d.call(P.TemplatesCreate, { name: 'x', engine: 'goja' as 'isolated-vm' }), 'engine'],
    ['empty name', d.call(P.TemplatesCreate, { name: '' }), 'name'],
    ['unknown field', d.connection.sendRequest('templates/create', { name: 'x', color: 'red' }), 'color'],
    ['malformed id', d.call(P.TemplatesGet, { templateId: 'ABC' }), 'templateId'],
    ['no params', d.connection.sendRequest('templates/get'), 'params'],
    ['memMb range', d.call(P.TemplatesUpdateSettings, { templateId: P.DEFAULT_SETTINGS && '00000000-0000-4000-8000-000000000000', limits: { memMb: 4 } }), 'limits.memMb'],
    ['negative limit', d.call(P.TemplatesUpdateSettings, { templateId: '00000000-0000-4000-8000-000000000000', limits: { cpuMs: -1 } }), 'limits.cpuMs'],
    ['nested unknown', d.connection.sendRequest('templates/updateSettings', { templateId: '00000000-0000-4000-8000-000000000000', limits: { cpu: 1 } }), 'limits.cpu'],
  ];
  for (const [name, p, field] of cases) {
    const { code, error } = await errorOf(p);
    assert.equal(code, 'VALIDATION_ERROR', name);
    assert.equal(error.data?.details?.field, field, name);
  }
});

test('updateSettings merges partially and persists', async () => {
  const t = await d.call(P.TemplatesCreate, { name: 'limits' });
  const s = await d.call(P.TemplatesUpdateSettings, { templateId: t.id, limits: { cpuMs: 100 }, runtime: { strict: true } });
  assert.equal(s.limits.cpuMs, 100);
  assert.equal(s.limits.wallMs, 30000);
  assert.equal(s.runtime.strict, true);
  assert.equal(s.runtime.console, true);
  assert.deepEqual((await d.call(P.TemplatesGet, { templateId: t.id })).settings, s);
});

test('capabilities, startup files, modules and libraries', async () => {
  const t = await d.call(P.TemplatesCreate, { name: 'parts' });
  const cap = await d.call(P.TemplatesAddCapability, { templateId: t.id, kind: 'fs', name: 'fs', config: { readOnly: true } });
  assert.equal(cap.enabled, true);
  assert.deepEqual(cap.config, { readOnly: true });
  assert.deepEqual((await d.call(P.TemplatesListCapabilities, { templateId: t.id })).capabilities, [cap]);

  const b = await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: 'b.js', orderIndex: 2 });
  const a = await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: './lib/a.js', orderIndex: 1 });
  assert.equal(a.path, 'lib/a.js');
  assert.equal(a.mode, 'eval');
  assert.deepEqual((await d.call(P.TemplatesListStartupFiles, { templateId: t.id })).startupFiles.map((f) => f.path), ['lib/a.js', 'b.js']);
  assert.deepEqual(await d.call(P.TemplatesRemoveStartupFile, { templateId: t.id, startupFileId: b.id }), { removed: true });
  assert.equal((await errorOf(d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: '/etc/passwd' }))).code, 'INVALID_PATH');
  assert.equal((await errorOf(d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: 'x/../../y.js' }))).code, 'INVALID_PATH');

  assert.deepEqual(await d.call(P.TemplatesAddModule, { templateId: t.id, name: 'fs' }), { modules: ['fs'] });
  assert.deepEqual(await d.call(P.TemplatesAddModule, { templateId: t.id, name: 'fs' }), { modules: ['fs'] });
  for (const builtin of ['json', 'math', 'console', 'date', 'array', 'string', 'object', 'promise', 'left-pad']) {
    assert.equal((await errorOf(d.call(P.TemplatesAddModule, { templateId: t.id, name: builtin }))).code, 'MODULE_NOT_ALLOWED', builtin);
  }
  assert.deepEqual(await d.call(P.TemplatesRemoveModule, { templateId: t.id, name: 'fs' }), { modules: [] });

  assert.deepEqual(await d.call(P.TemplatesAddLibrary, { templateId: t.id, name: 'lodash' }), { libraries: ['lodash'] });
  assert.deepEqual(await d.call(P.TemplatesListLibraries, { templateId: t.id }), { libraries: ['lodash'] });
  assert.equal((await errorOf(d.call(P.TemplatesAddLibrary, { templateId: t.id, name: 'lodash@' }))).code, 'LIBRARY_NOT_FOUND');
  // Another version of a catalog name is a registry library (no global), and replaces the catalog one.
  assert.deepEqual(await d.call(P.TemplatesAddLibrary, { templateId: t.id, name: 'lodash@4.17.20' }), { libraries: ['lodash@4.17.20'] });
  assert.deepEqual(await d.call(P.TemplatesRemoveLibrary, { templateId: t.id, name: 'lodash' }), { libraries: [] });
});

test('delete cascades and later lookups answer TEMPLATE_NOT_FOUND', async () => {
  const t = await d.call(P.TemplatesCreate, { name: 'doomed' });
  await d.call(P.TemplatesAddStartupFile, { templateId: t.id, path: 'a.js' });
  assert.deepEqual(await d.call(P.TemplatesDelete, { templateId: t.id }), { deleted: true });
  for (const p of [d.call(P.TemplatesGet, { templateId: t.id }), d.call(P.TemplatesListStartupFiles, { templateId: t.id }), d.call(P.TemplatesDelete, { templateId: t.id })]) {
    assert.equal((await errorOf(p)).code, 'TEMPLATE_NOT_FOUND');
  }
});

test('catalogs: modules and libraries', async () => {
  const { modules } = await d.call(P.ModulesListAvailable, {});
  assert.deepEqual(modules.map((m) => m.name), ['fs', 'database', 'exec']);
  const { libraries } = await d.call(P.LibrariesListAvailable, {});
  for (const name of ['lodash', 'dayjs', 'ramda', 'moment', 'zod']) assert.ok(libraries.some((l) => l.name === name), name);
  assert.ok(libraries.every((l) => typeof l.cached === 'boolean' && l.version && l.global));
});

test('templates survive a daemon restart', async () => {
  const d2 = await startDaemon();
  const t = await d2.call(P.TemplatesCreate, { name: 'durable' });
  await d2.call(P.TemplatesAddModule, { templateId: t.id, name: 'exec' });
  await d2.kill('SIGKILL');
  const d3 = await startDaemon({ dbPath: d2.dbPath });
  try {
    assert.deepEqual((await d3.call(P.TemplatesGet, { templateId: t.id })).modules, ['exec']);
  } finally {
    await d3.stop();
  }
});
