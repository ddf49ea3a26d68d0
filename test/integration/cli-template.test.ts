/** `vm-system template …` against the shared daemon of a test database. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliDb, type CliDb } from '../helpers/cli';

let d: CliDb;
before(() => { d = cliDb(); });
after(() => d.stop());

interface Detail { id: string; name: string; settings: { limits: Record<string, number> }; modules: string[]; libraries: string[]; capabilities: unknown[]; startupFiles: unknown[] }

test('create, list, get and delete; a name works where an id goes', async () => {
  const created = await d.json<Detail>(['template', 'create', '--name', 'tpl-a']);
  assert.equal(created.name, 'tpl-a');
  assert.equal(created.settings.limits.cpuMs, 5000);

  const human = await d.run(['template', 'create', '--name', 'tpl-b']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^name\s+tpl-b$/m);
  assert.match(human.stdout, /^limits\s+cpu 5000 ms, wall 30000 ms, memory 128 MB, events 1000, output 512 KB$/m);

  const { templates } = await d.json<{ templates: Array<{ id: string; name: string }> }>(['template', 'list']);
  assert.deepEqual(templates.map((t) => t.name).slice(0, 3), ['default', 'tpl-a', 'tpl-b']);
  const table = await d.run(['template', 'list']);
  assert.match(table.stdout, /^ID\s+NAME\s+ENGINE\s+CREATED$/m);
  assert.match(table.stdout, new RegExp(`^${created.id}\\s+tpl-a\\s+isolated-vm\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`, 'm'));

  assert.equal((await d.json<Detail>(['template', 'get', created.id])).id, created.id);
  assert.equal((await d.json<Detail>(['template', 'get', 'tpl-a'])).id, created.id);
  assert.match((await d.run(['template', 'get', 'tpl-a'])).stdout, new RegExp(`^id\\s+${created.id}$`, 'm'));

  assert.deepEqual(await d.json(['template', 'delete', created.id]), { deleted: true });
  const gone = await d.run(['template', 'get', created.id]);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /^vm-system: TEMPLATE_NOT_FOUND: /);
  const unknownName = await d.run(['template', 'get', 'no-such-template']);
  assert.equal(unknownName.code, 2);
  assert.match(unknownName.stderr, /TEMPLATE_NOT_FOUND/);
  assert.equal((await d.run(['template', 'delete', 'tpl-b'])).code, 0);
});

test('set-limits merges the given limits and prints them', async () => {
  const { id } = await d.json<Detail>(['template', 'create', '--name', 'limits']);
  const limits = await d.json<{ limits: Record<string, number> }>(['template', 'set-limits', id, '--cpu-ms', '100', '--wall-ms', '200', '--mem-mb', '64', '--max-events', '50', '--max-output-kb', '8']);
  assert.deepEqual(limits.limits, { cpuMs: 100, wallMs: 200, memMb: 64, maxEvents: 50, maxOutputKb: 8 });
  const human = await d.run(['template', 'set-limits', id, '--wall-ms', '300']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^cpuMs\s+100$/m);
  assert.match(human.stdout, /^wallMs\s+300$/m);
  const tooBig = await d.run(['template', 'set-limits', id, '--mem-mb', '99999']);
  assert.equal(tooBig.code, 2);
  assert.match(tooBig.stderr, /VALIDATION_ERROR/);
  const notNumber = await d.run(['template', 'set-limits', id, '--cpu-ms', 'lots']);
  assert.equal(notNumber.code, 2);
  assert.match(notNumber.stderr, /--cpu-ms/);
});

test('startup files: add, list, remove', async () => {
  const { id } = await d.json<Detail>(['template', 'create', '--name', 'startup']);
  const second = await d.json<{ id: string; path: string; orderIndex: number; mode: string }>(['template', 'add-startup', id, '--path', 'b.js', '--order', '2']);
  assert.deepEqual([second.path, second.orderIndex, second.mode], ['b.js', 2, 'eval']);
  await d.json(['template', 'add-startup', id, '--path', 'a.js', '--order', '1', '--mode', 'eval']);
  const { startupFiles } = await d.json<{ startupFiles: Array<{ path: string }> }>(['template', 'list-startup', id]);
  assert.deepEqual(startupFiles.map((f) => f.path), ['a.js', 'b.js']);
  assert.match((await d.run(['template', 'list-startup', id])).stdout, /^ID\s+ORDER\s+MODE\s+PATH\n\S+\s+1\s+eval\s+a\.js\n\S+\s+2\s+eval\s+b\.js\n$/);
  assert.deepEqual(await d.json(['template', 'remove-startup', id, second.id]), { removed: true });
  assert.equal((await d.json<{ startupFiles: unknown[] }>(['template', 'list-startup', id])).startupFiles.length, 1);
  const outside = await d.run(['template', 'add-startup', id, '--path', '../x.js']);
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /INVALID_PATH/);
  const badMode = await d.run(['template', 'add-startup', id, '--path', 'c.js', '--mode', 'module']);
  assert.equal(badMode.code, 2);
  assert.match(badMode.stderr, /STARTUP_MODE_UNSUPPORTED/);
});

test('capabilities: add with JSON config, list', async () => {
  const { id } = await d.json<Detail>(['template', 'create', '--name', 'caps']);
  const cap = await d.json<{ kind: string; name: string; config: unknown; enabled: boolean }>(['template', 'add-capability', id, '--kind', 'fs', '--name', 'fs', '--config', '{"readOnly": true}']);
  assert.deepEqual([cap.kind, cap.name, cap.config, cap.enabled], ['fs', 'fs', { readOnly: true }, true]);
  const { capabilities } = await d.json<{ capabilities: unknown[] }>(['template', 'list-capabilities', id]);
  assert.equal(capabilities.length, 1);
  assert.match((await d.run(['template', 'list-capabilities', id])).stdout, /^\S+\s+fs\s+fs\s+yes\s+\{"readOnly":true\}$/m);
  const badKind = await d.run(['template', 'add-capability', id, '--kind', 'teleport', '--name', 'x']);
  assert.equal(badKind.code, 2);
  assert.match(badKind.stderr, /--kind/);
  const badConfig = await d.run(['template', 'add-capability', id, '--kind', 'env', '--name', 'x', '--config', '[1]']);
  assert.equal(badConfig.code, 2);
  assert.match(badConfig.stderr, /--config must be a JSON object/);
});

test('modules: add, remove, list, list-available', async () => {
  const { id } = await d.json<Detail>(['template', 'create', '--name', 'mods']);
  assert.deepEqual(await d.json(['template', 'add-module', id, '--name', 'fs']), { modules: ['fs'] });
  assert.deepEqual((await d.json<{ modules: string[] }>(['template', 'add-module', id, '--name', 'database'])).modules.sort(), ['database', 'fs']);
  assert.deepEqual(await d.json(['template', 'remove-module', id, '--name', 'database']), { modules: ['fs'] });
  assert.equal((await d.run(['template', 'list-modules', id])).stdout, 'fs\n');
  const builtin = await d.run(['template', 'add-module', id, '--name', 'math']);
  assert.equal(builtin.code, 2);
  assert.match(builtin.stderr, /^vm-system: MODULE_NOT_ALLOWED: /);
  const available = await d.json<{ modules: Array<{ name: string }> }>(['template', 'list-available-modules']);
  assert.deepEqual(available.modules.map((m) => m.name).sort(), ['database', 'exec', 'fs']);
  assert.match((await d.run(['template', 'list-available-modules'])).stdout, /^NAME\s+FUNCTIONS\s+DESCRIPTION$/m);
});

test('libraries: add, remove, list, list-available', async () => {
  const { id } = await d.json<Detail>(['template', 'create', '--name', 'libs']);
  assert.deepEqual(await d.json(['template', 'add-library', id, '--name', 'lodash']), { libraries: ['lodash'] });
  assert.equal((await d.run(['template', 'list-libraries', id])).stdout, 'lodash\n');
  assert.deepEqual(await d.json(['template', 'remove-library', id, '--name', 'lodash']), { libraries: [] });
  assert.equal((await d.run(['template', 'list-libraries', id])).stdout, '(none)\n');
  const unknown = await d.run(['template', 'add-library', id, '--name', 'Not A Package!']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /LIBRARY_NOT_FOUND/);
  const available = await d.json<{ libraries: Array<{ name: string }> }>(['template', 'list-available-libraries']);
  for (const name of ['lodash', 'dayjs', 'ramda', 'moment', 'zod']) assert.ok(available.libraries.some((l) => l.name === name), name);
  assert.match((await d.run(['template', 'list-available-libraries'])).stdout, /^NAME\s+VERSION\s+GLOBAL\s+CACHED\s+DESCRIPTION$/m);
});

test('usage errors exit 2 without touching the daemon', async () => {
  const missing = await d.run(['template', 'create']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--name/);
  assert.equal((await d.run(['template', 'get'])).code, 2);
  assert.equal((await d.run(['template', 'frobnicate'])).code, 2);
});
