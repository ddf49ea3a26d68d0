/** `--help` everywhere, docs/cli.md matching it, usage errors and the unreachable-daemon exit code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { allCommands, helpOf, renderReference } from '../../cli/help-doc';
import { ROOT } from '../helpers/daemon';
import { runCli } from '../helpers/cli';
import { version } from '../../package.json';

test('docs/cli.md carries the current --help of every command (regenerate: npx tsx cli/help-doc.ts)', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');
  assert.ok(doc.includes(renderReference()), 'docs/cli.md is out of date: run npx tsx cli/help-doc.ts');
});

test('every command of ../shared/CLI.md exists', () => {
  const names = new Set(allCommands().map((c) => c.name.replace(/^vm-system ?/, '')));
  const expected = [
    'serve', 'daemon start', 'daemon stop', 'daemon status', 'run', 'repl', 'watch', 'rpc',
    'template create', 'template list', 'template get', 'template delete', 'template set-limits', 'template set-retention',
    'template add-startup', 'template list-startup', 'template remove-startup', 'template add-capability', 'template list-capabilities',
    'template add-module', 'template remove-module', 'template list-modules', 'template list-available-modules',
    'template add-library', 'template remove-library', 'template list-libraries', 'template list-available-libraries',
    'session create', 'session list', 'session get', 'session close', 'session restart',
    'exec repl', 'exec run-file', 'exec list', 'exec get', 'exec events', 'exec cancel',
    'ops health', 'ops runtime-summary', 'ops retention', 'ops compact', 'libs list', 'libs install',
  ];
  for (const name of expected) assert.ok(names.has(name), `missing command: ${name}`);
});

test('--help of every command prints what the docs say and exits 0', async () => {
  const commands = allCommands();
  for (let i = 0; i < commands.length; i += 8) {
    await Promise.all(commands.slice(i, i + 8).map(async ({ name, command }) => {
      const args = [...name.split(' ').slice(1), '--help'];
      const r = await runCli(args);
      assert.equal(r.code, 0, `${name} --help: ${r.stderr}`);
      assert.equal(r.stdout, helpOf(command), `${name} --help`);
    }));
  }
});

test('version, usage errors and an unreachable daemon', async () => {
  const v = await runCli(['--version']);
  assert.deepEqual([v.code, v.stdout], [0, `${version}\n`]);
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const nothing = await runCli([]);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /Usage: vm-system/);
  const badOption = await runCli(['template', 'list', '--nope']);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /unknown option '--nope'/);
  const unreachable = await runCli(['template', 'list'], { env: { VM_SYSTEM_DB: '/dev/null/cannot/be.db' } });
  assert.equal(unreachable.code, 3, unreachable.stderr);
  assert.match(unreachable.stderr, /^vm-system: /);
});

test('--db after the subcommand and VM_SYSTEM_DB agree', async () => {
  const { tempDir } = await import('../helpers/daemon');
  const db = path.join(tempDir(), 'flag.db');
  const viaFlag = await runCli(['ops', 'health', '--json', '--db', db]);
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  assert.equal(JSON.parse(viaFlag.stdout).dbPath, db);
  const viaEnv = await runCli(['--json', 'ops', 'health'], { env: { VM_SYSTEM_DB: db } });
  assert.equal(JSON.parse(viaEnv.stdout).pid, JSON.parse(viaFlag.stdout).pid, 'the same shared daemon');
  assert.equal((await runCli(['daemon', 'stop', '--db', db])).code, 0);
});
