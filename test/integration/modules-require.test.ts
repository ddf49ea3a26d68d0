/**
 * What `require(name)` gives session code, against the spawned daemon: only
 * the modules the template enables (`Invalid module` otherwise), exactly the
 * functions modules/listAvailable describes, nothing of the host, and the
 * same modules through an ES module `import`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { startDaemon, type TestDaemon } from '../helpers/daemon';
import { moduleSession } from '../helpers/modules';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

test('without the module on the template, require(name) throws Invalid module', async () => {
  const none = await moduleSession(d, { modules: [] });
  for (const name of ['fs', 'database', 'exec', 'child_process']) {
    assert.match(await none.thrown(`require(${JSON.stringify(name)})`), new RegExp(`^Error: Invalid module '${name}'`));
  }
  const fsOnly = await moduleSession(d, { modules: ['fs'] });
  assert.match(await fsOnly.thrown('require("exec")'), /^Error: Invalid module 'exec': this session can require fs/);
  assert.match(await fsOnly.thrown('require("database")'), /Invalid module 'database'/);
  // removing the module from the template applies to the next session
  await d.call(P.TemplatesRemoveModule, { templateId: fsOnly.templateId, name: 'fs' });
  const after = await moduleSession(d, { modules: [], worktree: fsOnly.worktree });
  assert.match(await after.thrown('require("fs")'), /Invalid module 'fs'/);
});

test('each module exposes exactly the functions modules/listAvailable lists, and no host object', async () => {
  const { modules } = await d.call(P.ModulesListAvailable, {});
  const s = await moduleSession(d, { modules: modules.map((m) => m.name) });
  for (const m of modules) {
    assert.deepEqual(await s.value(`Object.getOwnPropertyNames(require(${JSON.stringify(m.name)})).sort()`), [...m.functions].sort(), m.name);
  }
  assert.equal(await s.value('require("fs").readFileSync.constructor("return typeof process + typeof module")()'), 'undefinedundefined');
  assert.equal(await s.value('Object.isFrozen(require("exec")) && require("exec") === require("exec")'), true);
});

test('ES modules import the enabled modules by name', async () => {
  const s = await moduleSession(d, {
    modules: ['fs', 'database'],
    files: { 'data.txt': 'from esm', 'main.mjs': 'import fs from "fs";\nimport db from "database";\ndb.configure();\nconsole.log(fs.readFileSync("data.txt", "utf8"), db.query("SELECT 1 AS one")[0].one);\n' },
  });
  const r = await d.call(P.ExecutionsRunFile, { sessionId: s.session.id, path: 'main.mjs' });
  assert.equal(r.status, 'ok', r.error?.message);
  assert.deepEqual(r.events.filter((e) => e.type === 'console').map((e) => (e.payload as P.ConsolePayload).text), ['from esm 1']);
});
