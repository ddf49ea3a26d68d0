import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, makeWorktree, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

const runFile = (sessionId: string, p: string) => d.call(P.ExecutionsRunFile, { sessionId, path: p });

test('a .ts file is transpiled; its exception points at the .ts line and column', async () => {
  const { session } = await openSession(d, {
    'calc.ts': 'interface Box { n: number }\nconst box: Box = { n: 2 };\nconsole.log(`n=${box.n}`);\nfunction fail(reason: string): never {\n  throw new Error(reason);\n}\nfail("typed");\n',
  });
  const r = await runFile(session.id, 'calc.ts');
  assert.equal(r.status, 'error');
  assert.equal((r.events.find((e) => e.type === 'console')?.payload as P.ConsolePayload).text, 'n=2');
  assert.deepEqual(r.error?.location, { path: 'calc.ts', line: 5, column: 9 });
  assert.match(r.error?.stack ?? '', /calc\.ts:5:9/);
});

test('an .mjs file runs as an ES module: imports resolve in the worktree, the value is the default export', async () => {
  const { session, worktree } = await openSession(d, {
    'main.mjs': "import { double } from './lib/math.mjs';\nimport greet from './lib/greet';\nconsole.log(greet('esm'));\nexport default double(21);\n",
    'lib/math.mjs': 'export const double = (n) => n * 2;\n',
    'lib/greet.ts': 'export default (who: string): string => `hello ${who}`;\n',
  });
  const r = await runFile(session.id, 'main.mjs');
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal((r.events.find((e) => e.type === 'console')?.payload as P.ConsolePayload).text, 'hello esm');
  assert.equal(r.result?.preview, '42');
  // Re-running picks up a changed import.
  writeFileSync(path.join(worktree, 'lib/math.mjs'), 'export const double = (n) => n * 3;\n');
  assert.equal((await runFile(session.id, 'main.mjs')).result?.preview, '63');
});

test('runtime.esm runs .js files as modules; .mts works too', async () => {
  const { session } = await openSession(d, { 'a.js': 'import { v } from "./b.js";\nexport default v + 1;\n', 'b.js': 'export const v = 1;\n', 'c.mts': 'const n: number = 5;\nexport default n;\n' }, { runtime: { esm: true } });
  assert.equal((await runFile(session.id, 'a.js')).result?.preview, '2');
  assert.equal((await runFile(session.id, 'c.mts')).result?.preview, '5');
});

test('an import that leaves the worktree fails with INVALID_PATH before any code runs', async () => {
  const outside = makeWorktree({ 'evil.mjs': 'globalThis.ranEvil = true; export default 1;\n' });
  const { session, worktree } = await openSession(d, {
    'up.mjs': "console.log('top ran');\nimport x from '../evil.mjs';\nexport default x;\n",
    'abs.mjs': `import x from ${JSON.stringify(path.join(outside, 'evil.mjs'))};\nexport default x;\n`,
    'link.mjs': "import x from './linked.mjs';\nexport default x;\n",
  });
  symlinkSync(path.join(outside, 'evil.mjs'), path.join(worktree, 'linked.mjs'));
  for (const file of ['up.mjs', 'abs.mjs', 'link.mjs']) {
    const { code } = await errorOf(runFile(session.id, file));
    assert.equal(code, 'INVALID_PATH', file);
  }
  const r = await d.call(P.ExecutionsRepl, { sessionId: session.id, input: 'typeof ranEvil' });
  assert.equal(r.result?.preview, 'undefined');
});
