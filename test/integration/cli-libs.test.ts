/** `vm-system libs add|install|list|remove` with registry specs (local fake registry), and `vm-system run` next to node_modules. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { cliDb, runCli, type CliDb } from '../helpers/cli';
import { makeWorktree } from '../helpers/daemon';
import { startFakeRegistry, type FakeRegistry } from '../helpers/fake-registry';
import { DATE_FNS, MS, NEEDS_FS } from '../helpers/npm-packages';

let registry: FakeRegistry;
let d: CliDb;
const dirs: string[] = [];
before(async () => {
  registry = await startFakeRegistry([
    { name: 'humanize', version: '1.0.0', dependencies: { 'plural-of': '^2.0.0' }, files: { 'index.js': "const plural = require('plural-of');\nmodule.exports = (n, w) => `${n} ${plural(n, w)}`;\n" } },
    { name: 'plural-of', version: '2.1.0', files: { 'index.js': "module.exports = (n, w) => (n === 1 ? w : w + 's');\n" } },
  ]);
  d = cliDb({ VM_SYSTEM_REGISTRY: registry.url });
});
after(async () => {
  await d.stop();
  await registry.close();
  for (const dir of [...dirs, d.dir]) rmSync(dir, { recursive: true, force: true });
});

test('libs add, install, list, remove with a registry spec; sessions of the template use it', async () => {
  const { id } = await d.json<{ id: string }>(['template', 'create', '--name', 'words']);
  assert.deepEqual(await d.json(['libs', 'add', 'words', 'humanize@^1']), { libraries: ['humanize@^1'] });
  const install = await d.json<{ installed: Array<{ name: string; version: string; dependencies: number; integrity: string }> }>(['libs', 'install', 'humanize@^1']);
  assert.deepEqual(install.installed.map((i) => [i.name, i.version, i.dependencies]), [['humanize', '1.0.0', 1]]);
  assert.match(install.installed[0].integrity, /^sha512-/);
  const human = await d.run(['libs', 'list']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^humanize\\s+1\\.0\\.0\\s+-\\s+yes\\s+[\\d.]+ KB\\s+sha512-\\S+\\s+${id}$`, 'm'));
  assert.match(human.stdout, /^lodash\s+4\.17\.21\s+_\s+no\s+/m, 'the catalog is listed too');

  const worktree = makeWorktree({ 'count.js': "require('humanize')(3, 'file')\n" });
  dirs.push(worktree);
  const run = await d.run(['run', '--template', 'words', 'count.js'], { cwd: worktree });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '3 files\n');

  assert.deepEqual(await d.json(['libs', 'remove', 'words', 'humanize']), { libraries: [] });
  const listed = await d.json<{ libraries: Array<{ name: string; templates: string[]; cached: boolean }> }>(['libs', 'list']);
  assert.deepEqual(listed.libraries.filter((l) => l.cached).map((l) => [l.name, l.templates]), [['humanize', []]], 'still cached, used by no template');
});

test('vm-system run in a folder with node_modules just works: require, ES imports, and the built-in message', async () => {
  const cwd = makeWorktree({
    ...MS, ...DATE_FNS, ...NEEDS_FS,
    'ms.js': "console.log(require('ms')('2 days'))\n",
    'fmt.mjs': "import { format } from 'date-fns';\nconsole.log(format(new Date(Date.UTC(2024, 1, 29)), 'dd.MM.yyyy'));\n",
    'fs.js': "require('graceful-fs')\n",
  });
  dirs.push(cwd);
  const ms = await runCli(['run', 'ms.js'], { cwd, env: d.env });
  assert.equal(ms.code, 0, ms.stderr);
  assert.equal(ms.stdout, '172800000\n');
  const fmt = await runCli(['run', 'fmt.mjs'], { cwd, env: d.env });
  assert.equal(fmt.code, 0, fmt.stderr);
  assert.equal(fmt.stdout, '29.02.2024\n');
  const fs = await runCli(['run', 'fs.js'], { cwd, env: d.env });
  assert.equal(fs.code, 1);
  assert.match(fs.stderr, /^Error: 'graceful-fs' needs the Node built-in 'fs', which sessions do not have/m);
});
