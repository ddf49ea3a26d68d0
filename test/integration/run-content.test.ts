/** executions/runFile {content}: unsaved editor text run as if the file held it, through the daemon. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, openSession, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
let sessionId: string;
let worktree: string;
const outside = tempDir('vmsys-outside-');

before(async () => {
  d = await startDaemon();
  const opened = await openSession(d, {
    'saved.js': '"what is on disk"',
    'lib/values.mjs': 'export const v = 21;\n',
    'lib/helper.ts': 'export function twice(n: number): number { return n * 2; }\n',
  });
  sessionId = opened.session.id;
  worktree = opened.worktree;
  symlinkSync(outside, path.join(worktree, 'out'));
});
after(async () => {
  await d.stop();
  rmSync(worktree, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const runFile = (params: Omit<P.ParamsOf<typeof P.ExecutionsRunFile>, 'sessionId'>) => d.call(P.ExecutionsRunFile, { sessionId, ...params });

test('content runs instead of the file on disk; echo and path as usual', async () => {
  const r = await runFile({ path: 'saved.js', content: 'console.log("unsaved"); __ARGS__.n + 1', args: { n: 41 } });
  assert.equal(r.status, 'ok');
  assert.equal(r.path, 'saved.js');
  assert.equal(r.kind, 'run_file');
  assert.deepEqual(r.events[0].payload, { path: 'saved.js', args: { n: 41 } });
  assert.deepEqual(r.events[1].payload, { level: 'log', text: 'unsaved', location: { path: 'saved.js', line: 1, column: 9 } });
  assert.equal(r.result?.preview, '42');
  assert.equal((await runFile({ path: 'saved.js' })).result?.preview, 'what is on disk', 'the file itself is untouched');
});

test('a file that does not exist yet runs from its content, in an existing or a new folder', async () => {
  for (const file of ['draft.js', 'lib/draft.js', 'new/folder/draft.js']) {
    const r = await runFile({ path: file, content: '\nthrow new TypeError("nope")' });
    assert.equal(r.status, 'error', file);
    assert.equal(r.path, file);
    assert.deepEqual(r.error?.location, { path: file, line: 2, column: 7 }, file);
    assert.ok(!existsSync(path.join(worktree, file)), 'nothing is written');
  }
  assert.equal((await runFile({ path: 'draft.js', content: '6 * 7' })).result?.preview, '42');
});

test('TypeScript content: types stripped, a thrown error and a console line at their source lines', async () => {
  const content = [
    'interface Point { x: number; y: number }',
    'const p: Point = { x: 1, y: 2 };',
    '',
    'console.log(`x is ${p.x}`);',
    'function fail(message: string): never {',
    '  throw new RangeError(message);',
    '}',
    'fail("at line six");',
  ].join('\n');
  const r = await runFile({ path: 'unsaved.ts', content });
  assert.equal(r.status, 'error');
  assert.deepEqual(r.events[1].payload, { level: 'log', text: 'x is 1', location: { path: 'unsaved.ts', line: 4, column: 9 } });
  assert.equal(r.error?.name, 'RangeError');
  assert.deepEqual(r.error?.location, { path: 'unsaved.ts', line: 6, column: 9 });
  assert.match(r.error!.stack, /unsaved\.ts:6:9/);

  const syntax = await runFile({ path: 'unsaved.ts', content: 'const a: number = 1;\nconst b = ;\n' });
  assert.equal(syntax.status, 'error');
  assert.equal(syntax.error?.name, 'SyntaxError');
  assert.equal(syntax.error?.location?.line, 2);
});

test('ES module content imports its siblings on disk, relative to where the file would be', async () => {
  const r = await runFile({ path: 'lib/main.mjs', content: 'import { v } from "./values.mjs";\nexport default v * 2;\n' });
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.result?.preview, '42');

  const ts = await runFile({ path: 'lib/main.mts', content: 'import { twice } from "./helper.ts";\nconst n: number = twice(3);\nif (n !== 6) throw new Error("bad");\nexport default n;\n' });
  assert.equal(ts.status, 'ok', JSON.stringify(ts.error));
  assert.equal(ts.result?.preview, '6');

  const thrown = await runFile({ path: 'lib/broken.mts', content: 'import { v } from "./values.mjs";\n\nconst label: string = "v";\nthrow new Error(label + v);\n' });
  assert.equal(thrown.status, 'error');
  assert.equal(thrown.error?.message, 'v21');
  assert.deepEqual(thrown.error?.location, { path: 'lib/broken.mts', line: 4, column: 7 });

  const escape = await errorOf(runFile({ path: 'lib/main.mjs', content: 'import x from "../../x.mjs";\nexport default x;\n' }));
  assert.equal(escape.code, 'INVALID_PATH');
});

test('the folder must be inside the worktree: INVALID_PATH, before any code runs', async () => {
  for (const file of ['../escape.js', '/tmp/abs.js', 'out/x.js', 'out/deeper/x.js', 'lib/../../x.js']) {
    const r = await errorOf(runFile({ path: file, content: 'globalThis.ran = true' }));
    assert.equal(r.code, 'INVALID_PATH', file);
  }
  mkdirSync(path.join(worktree, 'folder'), { recursive: true });
  assert.equal((await errorOf(runFile({ path: 'folder', content: '1' }))).code, 'INVALID_PATH', 'a folder is not a file');
  const ran = await d.call(P.ExecutionsRepl, { sessionId, input: 'typeof globalThis.ran' });
  assert.equal(ran.result?.preview, 'undefined');
});

test('FILE_NOT_FOUND only without content; content must be a string', async () => {
  assert.equal((await errorOf(runFile({ path: 'missing.js' }))).code, 'FILE_NOT_FOUND');
  assert.equal((await runFile({ path: 'missing.js', content: '' })).status, 'ok', 'empty content is content');
  const bad = await errorOf(d.call(P.ExecutionsRunFile, { sessionId, path: 'x.js', content: 5 } as never));
  assert.equal(bad.code, 'VALIDATION_ERROR');
  assert.equal(bad.error.data?.details?.field, 'content');
});
