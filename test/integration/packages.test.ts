/**
 * npm packages in sessions ("Packages in sessions" in the contract): bare
 * specifiers resolve in the worktree's node_modules (hand-written here, no
 * registry), are bundled once, cached by content, and evaluated once per
 * session; the failures say what went wrong.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { makeWorktree, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon';
import { COUNTER, DATE_FNS, MS, NEEDS_FS, writeFiles, writePnpmLayout } from '../helpers/npm-packages';

let d: TestDaemon;
const cleanup: string[] = [];
before(async () => { d = await startDaemon(); });
after(async () => {
  await d.stop();
  for (const dir of [...cleanup, d.dir]) rmSync(dir, { recursive: true, force: true });
});

/** A session with its own template (with `modules`), in a new worktree of `files` (or in `worktree`). */
async function session(files: Record<string, string>, modules: string[] = [], worktree = makeWorktree(files)): Promise<{ id: string; worktree: string }> {
  cleanup.push(worktree);
  const t = await d.call(P.TemplatesCreate, { name: `pkg-${Math.random().toString(36).slice(2, 8)}` });
  for (const name of modules) await d.call(P.TemplatesAddModule, { templateId: t.id, name });
  const s = await d.call(P.SessionsCreate, { templateId: t.id, worktreePath: worktree });
  return { id: s.id, worktree };
}

const repl = (sessionId: string, input: string) => d.call(P.ExecutionsRepl, { sessionId, input });
const runFile = (sessionId: string, p: string) => d.call(P.ExecutionsRunFile, { sessionId, path: p });

test("require('ms') in the REPL loads the worktree's CommonJS package", async () => {
  const s = await session(MS);
  const r = await repl(s.id, "require('ms')('2 days')");
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.result?.preview, '172800000');
});

test("await import('ms') in the REPL answers the package's namespace", async () => {
  const s = await session(MS);
  const r = await repl(s.id, "const { default: ms } = await import('ms'); ms('3 h')");
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.result?.preview, String(3 * 3600000));
});

test("static import { format } from 'date-fns' in an .mjs run-file; the browser condition wins", async () => {
  const s = await session({
    ...DATE_FNS,
    'main.mjs': "import { format, flavour } from 'date-fns';\nimport label from 'date-fns';\nexport default [format(new Date(Date.UTC(2024, 0, 5)), 'yyyy-MM-dd'), flavour, label];\n",
  });
  const r = await runFile(s.id, 'main.mjs');
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.result?.preview, "[ '2024-01-05', 'browser', 'date-fns default' ]");
  // A subpath export, and require() of the same package from the REPL.
  assert.equal((await repl(s.id, "require('date-fns/format').format(new Date(Date.UTC(2020, 11, 1)), 'dd/MM')")).result?.preview, '01/12');
  assert.equal((await repl(s.id, "require('date-fns').flavour")).result?.preview, 'browser');
});

test('one instance per session: require, import() and static import share it; another session has its own', async () => {
  const files = { ...COUNTER, 'count.mjs': "import counter from 'counter';\nexport default counter.inc();\n" };
  const s = await session(files);
  assert.equal((await repl(s.id, "require('counter').inc()")).result?.preview, '1');
  assert.equal((await repl(s.id, "require('counter').inc()")).result?.preview, '2');
  assert.equal((await repl(s.id, "(await import('counter')).inc()")).result?.preview, '3');
  assert.equal((await runFile(s.id, 'count.mjs')).result?.preview, '4');
  const other = await session(files);
  assert.equal((await repl(other.id, "require('counter').inc()")).result?.preview, '1');
});

test("a package needing a built-in the session lacks names itself and the built-in; 'fs' maps to the session's fs module", async () => {
  const files = { ...NEEDS_FS, 'data.txt': 'hello from fs' };
  const s = await session(files);
  const r = await repl(s.id, "require('graceful-fs')");
  assert.equal(r.status, 'error');
  assert.equal(r.error?.name, 'Error');
  assert.equal(r.error?.message, "'graceful-fs' needs the Node built-in 'fs', which sessions do not have");
  // Through a dependency: the message names the package that needs it.
  assert.equal((await repl(s.id, "require('fs-extra')")).error?.message, "'graceful-fs' needs the Node built-in 'fs', which sessions do not have");
  const withFs = await session(files, ['fs']);
  const ok = await repl(withFs.id, "require('fs-extra').readText('data.txt')");
  assert.equal(ok.status, 'ok', JSON.stringify(ok.error));
  assert.equal(ok.result?.preview, 'hello from fs');
  // A built-in required lazily fails only when it is used.
  assert.equal((await repl(withFs.id, "require('fs-extra').lazy()")).error?.message, "'fs-extra' needs the Node built-in 'path', which sessions do not have");
});

test('an unresolvable name says where it looked; module names keep their Invalid module error', async () => {
  const s = await session({ 'src/main.js': "require('left-pad')\n" });
  const r = await repl(s.id, "require('left-pad')");
  assert.equal(r.status, 'error');
  assert.match(r.error?.message ?? '', /^Cannot find package 'left-pad': looked in the template's libraries \(it has none\) and in node_modules from the worktree root up to the worktree root$/);
  const file = await runFile(s.id, 'src/main.js');
  assert.match(file.error?.message ?? '', /^Cannot find package 'left-pad': .* node_modules from 'src' up to the worktree root/);
  const esm = await session({ 'main.mjs': "import x from 'left-pad';\nexport default x;\n" });
  assert.match((await runFile(esm.id, 'main.mjs')).error?.message ?? '', /^Cannot find package 'left-pad'/);
  assert.match((await repl(s.id, "require('child_process')")).error?.message ?? '', /^Invalid module 'child_process'/);
});

test('node_modules is looked up from the importing file upwards; a link out of the worktree is never followed', async () => {
  const outside = tempDir('vmsys-outside-');
  cleanup.push(outside);
  writeFiles(outside, { 'package.json': '{"name":"secret","main":"index.js"}', 'index.js': "module.exports = 'secret outside';\n" });
  const s = await session({
    'sub/node_modules/local/package.json': '{"name":"local","main":"index.js"}',
    'sub/node_modules/local/index.js': "module.exports = 'local ' + require('ms')('1 s');\n",
    ...MS,
    'sub/use.js': "require('local')\n",
    'use-secret.js': "require('secret')\n",
  });
  const r = await runFile(s.id, 'sub/use.js');
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.result?.preview, 'local 1000');
  // Not visible from the worktree root.
  assert.match((await repl(s.id, "require('local')")).error?.message ?? '', /^Cannot find package 'local'/);
  symlinkSync(outside, path.join(s.worktree, 'node_modules/secret'), 'dir');
  for (const attempt of [() => repl(s.id, "require('secret')"), () => runFile(s.id, 'use-secret.js')]) {
    const e = await attempt();
    assert.equal(e.status, 'error');
    assert.match(e.error?.message ?? '', /^Cannot find package 'secret': node_modules\/secret links to a folder outside the worktree/);
  }
  // A dependency behind such a link is refused too.
  writeFiles(s.worktree, { 'node_modules/wants-secret/package.json': '{"name":"wants-secret"}', 'node_modules/wants-secret/index.js': "module.exports = require('secret');\n" });
  const dep = await repl(s.id, "require('wants-secret')");
  assert.equal(dep.status, 'error');
  assert.match(dep.error?.message ?? '', /outside the worktree/);
});

test("pnpm's layout (links into node_modules/.pnpm) loads, dependencies included", async () => {
  const s = await session({});
  writePnpmLayout(s.worktree);
  const r = await repl(s.id, "require('pad')('7', 3)");
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.result?.preview, '  7');
});

test("an exception thrown inside a package points into the package's own file", async () => {
  const s = await session(MS);
  const r = await repl(s.id, "require('ms').boom()");
  assert.equal(r.status, 'error');
  assert.equal(r.error?.message, 'ms went boom');
  assert.deepEqual(r.error?.location, { path: 'node_modules/ms/index.js', line: 9, column: 9 });
  assert.match(r.error?.stack ?? '', /node_modules\/ms\/index\.js:9:9/);
});

test('bundles are cached by content: the next daemon loads them without bundling; a changed file rebuilds', async () => {
  const s = await session(MS);
  assert.equal((await repl(s.id, "require('ms').loads")).result?.preview, '1');
  const cacheDir = path.join(path.dirname(d.dbPath), 'bundles');
  const files = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
  assert.equal(files.length >= 1, true);
  // This test's bundle: the newest (earlier tests of this file bundled ms for their own worktrees).
  const mine = files.reduce((a, b) => (statSync(path.join(cacheDir, a)).mtimeMs >= statSync(path.join(cacheDir, b)).mtimeMs ? a : b));
  // Mark the cached bundle: a daemon that uses the cache sees the mark.
  for (const f of files) {
    const entry = JSON.parse(readFileSync(path.join(cacheDir, f), 'utf8')) as { code: string };
    entry.code = entry.code.replace('(function (module, exports, __vmsBuiltin) {', '(function (module, exports, __vmsBuiltin) {globalThis.fromCache = true;');
    writeFileSync(path.join(cacheDir, f), JSON.stringify(entry));
    // Last used 40 days ago: the read below marks it as used, so the daemon's sweep (bundle-sweep.ts) keeps it.
    const longAgo = (Date.now() - 40 * 24 * 60 * 60 * 1000) / 1000;
    utimesSync(path.join(cacheDir, f), longAgo, longAgo);
  }
  const second = await startDaemon({ dbPath: d.dbPath.replace(/test\.db$/, 'second.db') });
  try {
    const t = (await second.call(P.TemplatesList, { name: 'default' })).templates[0];
    const s2 = await second.call(P.SessionsCreate, { templateId: t.id, worktreePath: s.worktree });
    const r = await second.call(P.ExecutionsRepl, { sessionId: s2.id, input: "require('ms')('1 m'); globalThis.fromCache === true" });
    assert.equal(r.result?.preview, 'true', JSON.stringify(r.error));
    assert.ok(Date.now() - statSync(path.join(cacheDir, mine)).mtimeMs < 60_000, 'the bundle read is marked as used');
    // Editing the package's file makes the next session bundle it again.
    writeFileSync(path.join(s.worktree, 'node_modules/ms/index.js'), "module.exports = function () { return 'edited'; };\n");
    const s3 = await second.call(P.SessionsCreate, { templateId: t.id, worktreePath: s.worktree });
    const r3 = await second.call(P.ExecutionsRepl, { sessionId: s3.id, input: "[require('ms')('1 m'), globalThis.fromCache === true]" });
    assert.equal(r3.result?.preview, "[ 'edited', false ]");
  } finally {
    await second.stop();
    rmSync(second.dir, { recursive: true, force: true });
  }
});

test('a package named in the input is read as its require finds it: a session that writes files sees its own write; a loaded package stays the session\'s instance', async () => {
  const stamp = (text: string) => ({
    'node_modules/stamp/package.json': '{"name":"stamp","version":"1.0.0"}',
    'node_modules/stamp/index.js': `module.exports = ${JSON.stringify(text)};\n`,
  });
  const first = await session(stamp('first'));
  // Bundled and cached: the next inputs naming it get it compiled ahead of their require.
  assert.equal((await repl(first.id, "require('stamp')")).result?.preview, 'first');
  // Named only in a comment: nothing is loaded, and the next require is not disturbed.
  assert.equal((await repl(first.id, "// require('ms')\n1 + 1")).result?.preview, '2');
  const withFs = await session({}, ['fs'], first.worktree);
  const written = await repl(withFs.id, "require('fs').writeFileSync('node_modules/stamp/index.js', 'module.exports = \"written by the session\";'); require('stamp')");
  assert.equal(written.status, 'ok', JSON.stringify(written.error));
  assert.equal(written.result?.preview, 'written by the session');
  // The first session keeps the instance it loaded, as Node's module cache does; a new session reads the file as it is now.
  assert.equal((await repl(first.id, "require('stamp')")).result?.preview, 'first');
  const later = await session({}, [], first.worktree);
  assert.equal((await repl(later.id, "require('stamp')")).result?.preview, 'written by the session');
});

test("a bundle's V8 code cache is written beside it once the package has run; a damaged one is ignored and written again", async () => {
  // Its own text (a fresh comment): no other test's bundle shares its code cache.
  const s = await session({
    'node_modules/stamp/package.json': '{"name":"stamp","version":"1.0.0"}',
    'node_modules/stamp/index.js': `// ${Math.random()}\nmodule.exports = (x) => 'stamp ' + x;\nmodule.exports.boom = function boom() {\n  throw new Error('stamp went boom');\n};\n`,
  });
  const cacheDir = path.join(path.dirname(d.dbPath), 'bundles');
  const caches = () => readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'));
  const before = new Set(caches());
  assert.equal((await repl(s.id, "require('stamp')(1)")).result?.preview, 'stamp 1');
  // Produced asynchronously, when the isolate is free again.
  let written: string[] = [];
  for (let i = 0; i < 100 && written.length === 0; i++) {
    written = caches().filter((f) => !before.has(f));
    if (written.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(written.length, 1, 'one code cache for the new bundle');
  assert.match(written[0], new RegExp(`^[0-9a-f]{40}\\.${process.versions.v8.replace(/\./g, '\\.')}\\.v8cache$`));
  const file = path.join(cacheDir, written[0]);
  writeFileSync(file, 'not a code cache at all');
  const second = await startDaemon({ dbPath: d.dbPath.replace(/test\.db$/, 'third.db') });
  try {
    const t = (await second.call(P.TemplatesList, { name: 'default' })).templates[0];
    const s2 = await second.call(P.SessionsCreate, { templateId: t.id, worktreePath: s.worktree });
    const r = await second.call(P.ExecutionsRepl, { sessionId: s2.id, input: "require('stamp')(2)" });
    assert.equal(r.result?.preview, 'stamp 2', JSON.stringify(r.error));
    const boom = await second.call(P.ExecutionsRepl, { sessionId: s2.id, input: "require('stamp').boom()" });
    assert.deepEqual(boom.error?.location, { path: 'node_modules/stamp/index.js', line: 4, column: 9 }, 'source-mapped without the cache');
    let rewritten = false;
    for (let i = 0; i < 100 && !rewritten; i++) {
      rewritten = readFileSync(file).length > 100;
      if (!rewritten) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(rewritten, true, 'the rejected cache is produced again');
    // A third session of that daemon compiles with it.
    const s3 = await second.call(P.SessionsCreate, { templateId: t.id, worktreePath: s.worktree });
    assert.equal((await second.call(P.ExecutionsRepl, { sessionId: s3.id, input: "require('stamp')(3)" })).result?.preview, 'stamp 3');
    const boom3 = await second.call(P.ExecutionsRepl, { sessionId: s3.id, input: "require('stamp').boom()" });
    assert.deepEqual(boom3.error?.location, { path: 'node_modules/stamp/index.js', line: 4, column: 9 }, 'source-mapped with the cache');
  } finally {
    await second.stop();
    rmSync(second.dir, { recursive: true, force: true });
  }
});

/** Package `name` in node_modules: a package.json (`main: index.js`, and `manifest`) and these files. */
const packageFiles = (name: string, manifest: object, files: Record<string, string>): Record<string, string> => ({
  [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: '1.0.0', main: 'index.js', ...manifest }),
  ...Object.fromEntries(Object.entries(files).map(([file, text]) => [`node_modules/${name}/${file}`, text])),
});
/** An ES module package (`"type": "module"`) of these files. */
const esmFiles = (name: string, files: Record<string, string>): Record<string, string> => packageFiles(name, { type: 'module' }, files);

test('an ES module package is bundled with its modules hoisted: the same exports as bundled through require; a wrong guess is bundled again', async () => {
  const esm = (name: string, manifest: object): Record<string, string> => packageFiles(name, manifest, {
    'index.js': "export { format } from './format.js';\nexport const flavour = 'esm';\nexport default 'the default';\n",
    'format.js': "export const format = (n) => 'n=' + n;\n",
  });
  const s = await session({
    // Says it is an ES module: hoisted. Says nothing (ES module syntax in a .js file): bundled through require.
    ...esm('hoisted', { type: 'module' }),
    ...esm('unsaid', {}),
    // Claims an ES module entry (a module field) that is CommonJS: bundled again through require.
    'node_modules/claims/package.json': JSON.stringify({ name: 'claims', version: '1.0.0', module: 'index.js' }),
    'node_modules/claims/index.js': "module.exports = function claims() { return 'cjs after all'; };\n",
    // An ES module that exports `__esModule` itself keeps it as written.
    ...esmFiles('marked', { 'index.js': "export const __esModule = 'its own';\nexport const x = 1;\n" }),
    // No default export; a live binding.
    ...esmFiles('nodefault', { 'index.js': 'export const a = 1;\nexport let b = 2;\nexport function bump() { b++; }\n' }),
    // `export *` of CommonJS, and import.meta: bundled as a namespace object instead.
    ...esmFiles('starcjs', { 'index.js': "export * from './c.cjs';\nexport const a = 1;\n", 'c.cjs': 'exports.fromCjs = 2;\n' }),
    ...esmFiles('meta', { 'index.js': 'export const url = typeof import.meta;\n' }),
  });
  // Sorted: the hoisted namespace gets `__esModule` after its exports (bundle.ts), __toCommonJS puts it first.
  const probe = (name: string) => `[Object.getOwnPropertyNames(require('${name}')).sort().join(), require('${name}').__esModule, require('${name}').default, require('${name}').format(2), Object.keys(await import('${name}')).join()].join(' | ')`;
  const hoisted = await repl(s.id, probe('hoisted'));
  assert.equal(hoisted.status, 'ok', JSON.stringify(hoisted.error));
  assert.equal(hoisted.result?.preview, '__esModule,default,flavour,format | true | the default | n=2 | default,flavour,format');
  assert.equal((await repl(s.id, probe('unsaid'))).result?.preview, hoisted.result?.preview);
  assert.equal((await repl(s.id, "typeof require('claims') + ' ' + require('claims')()")).result?.preview, 'function cjs after all');
  assert.equal((await repl(s.id, "require('marked').__esModule + ' ' + require('marked').x")).result?.preview, 'its own 1');
  assert.equal((await repl(s.id, "const nd = require('nodefault'); nd.bump(); [Object.keys(nd).join(), nd.b, nd.__esModule, 'default' in nd].join(' ')")).result?.preview, 'a,b,bump 3 true false');
  assert.equal((await repl(s.id, "Object.keys(require('starcjs')).sort().join()")).result?.preview, 'a,fromCjs');
  assert.equal((await repl(s.id, "require('meta').url")).result?.preview, 'object');
  const cacheDir = path.join(path.dirname(d.dbPath), 'bundles');
  const codeOf = (name: string) => readdirSync(cacheDir).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(cacheDir, f), 'utf8')) as { code: string; inputs: Array<[string]> })
    .find((e) => e.inputs.some(([rel]) => rel === `node_modules/${name}/index.js`))!.code;
  assert.doesNotMatch(codeOf('hoisted'), /__esm\(/);
  // Answered as an object of getters, not esbuild's namespace object; where that cannot be, as the namespace.
  assert.match(codeOf('hoisted'), /get format\(\) \{ return format; \}/);
  assert.doesNotMatch(codeOf('hoisted'), /__export\(/);
  assert.match(codeOf('starcjs'), /__reExport\(/);
  assert.match(codeOf('unsaid'), /__esm\(/);
});

test('a package that throws while loading is evaluated again by the next require; one that never ends is stopped by the limit', async () => {
  const files = {
    ...MS,
    'node_modules/flaky/package.json': '{"name":"flaky","version":"1.0.0"}',
    'node_modules/flaky/index.js': "if (!globalThis.flakyReady) throw new Error('flaky is not ready');\nmodule.exports = 'flaky loaded';\n",
    'node_modules/forever/package.json': '{"name":"forever","version":"1.0.0"}',
    'node_modules/forever/index.js': 'while (!globalThis.stopLooping) {}\nmodule.exports = "done";\n',
  };
  const s = await session(files);
  assert.equal((await repl(s.id, "require('flaky')")).error?.message, 'flaky is not ready');
  assert.equal((await repl(s.id, "globalThis.flakyReady = true; require('flaky')")).result?.preview, 'flaky loaded');

  await d.call(P.TemplatesUpdateSettings, { templateId: (await d.call(P.SessionsGet, { sessionId: s.id })).templateId, limits: { cpuMs: 300 } });
  const limited = await d.call(P.SessionsCreate, { templateId: (await d.call(P.SessionsGet, { sessionId: s.id })).templateId, worktreePath: s.worktree });
  const stuck = await repl(limited.id, "require('forever')");
  assert.equal(stuck.status, 'timeout');
  assert.equal((await repl(limited.id, "require('ms')('1 s')")).result?.preview, '1000', 'the session goes on');
  assert.equal((await repl(limited.id, "globalThis.stopLooping = true; require('forever')")).result?.preview, 'done');
});
