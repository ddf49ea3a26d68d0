/**
 * The native-module plumbing (server/modules/registry.ts, host/session-bridge.ts), driven through a host built with
 * a test module (fixtures/module-host.ts): require, ESM import, copying of
 * arguments and results, errors, the execution's abort signal, the
 * after-execution hook.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { TestRuntime, removeDir, type TestSession } from './helpers';

let dir: string;
let rt: TestRuntime;
let s: TestSession;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vms-modhost-'));
  buildSync({
    entryPoints: [path.join(__dirname, 'fixtures/module-host.ts')], outfile: path.join(dir, 'runtime-host.js'),
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['isolated-vm', 'esbuild'], logLevel: 'warning',
  });
  copyFileSync(path.resolve(__dirname, '../../dist/isolate-bootstrap.js'), path.join(dir, 'isolate-bootstrap.js'));
  // the host requires isolated-vm (and esbuild) at run time, from beside it
  symlinkSync(path.resolve(__dirname, '../../node_modules'), path.join(dir, 'node_modules'));
  rt = new TestRuntime({ hostScript: path.join(dir, 'runtime-host.js') });
  // 'unregistered' is enabled but has no implementation (fs, database and exec are registered by server/modules).
  s = await rt.session({ modules: ['echo', 'unregistered'], files: { 'use.mjs': "import echo, { bytes } from 'echo';\nconsole.log(echo.echo('esm').args[0], bytes().length);" } });
});
after(async () => {
  await rt.close();
  removeDir(dir);
});

test('require(name) of an enabled module calls the host with copied arguments', async () => {
  assert.equal(await s.value('JSON.stringify(require("echo").echo({ a: [1] }, "two"))'), '{"args":[{"a":[1]},"two"],"worktree":true,"wallMs":300}');
  assert.equal(await s.value('const b = require("echo").bytes(); b instanceof Uint8Array && b.join()'), '1,2,3');
  assert.equal(await s.value('require("echo") === require("echo") && Object.isFrozen(require("echo"))'), 'true');
});

test('enabled but not implemented, and not enabled: Invalid module', async () => {
  assert.match((await s.run('require("unregistered")')).outcome.error!.message, /Invalid module 'unregistered'/);
  assert.match((await s.run('require("exec")')).outcome.error!.message, /Invalid module 'exec'/);
});

test('a module error is rethrown in the session with its name and message only', async () => {
  const r = await s.run('try { require("echo").fail("x") } catch (e) { [e.name, e.message, /secret|runtime-host/.test(e.stack)].join("|") }');
  assert.equal(r.outcome.result?.preview, 'RangeError|echo failed: x|false');
  const custom = await s.run('try { require("echo").fail("custom") } catch (e) { e.name + ": " + e.message }');
  assert.equal(custom.outcome.result?.preview, 'SqliteError: custom failure');
});

test('a stopped execution aborts the module call', async () => {
  const r = await s.run('require("echo").wait(10000)', { limits: { wallMs: 200 } });
  assert.equal(r.outcome.status, 'timeout');
  assert.ok(r.outcome.wallMs < 1000);
});

test('a module call that ignores the stop is abandoned; the session stays usable', async () => {
  const r = await s.run('require("echo").hang()', { limits: { wallMs: 200 } });
  assert.equal(r.outcome.status, 'timeout');
  assert.equal(r.outcome.sessionCrashed, undefined);
  assert.ok(r.outcome.wallMs < 1000);
  assert.equal(await s.value('"still fine"'), 'still fine');
});

test('onExecutionEnd runs after every execution', async () => {
  const first = Number(await s.value('require("echo").ends()'));
  const second = Number(await s.value('require("echo").ends()'));
  assert.equal(second, first + 1);
});

test('ES modules import enabled modules by name', async () => {
  const r = await s.runFile('use.mjs');
  assert.deepEqual(r.logs, ['esm 3']);
});
