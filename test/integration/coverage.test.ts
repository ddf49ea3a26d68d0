/** executions/runFile {coverage: true}: which lines of the file ran, from V8's precise coverage in the isolate, through the daemon. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
let sessionId: string;
let worktree: string;

before(async () => {
  d = await startDaemon();
  const opened = await openSession(d, {
    'branches.js': ['function used() {', '  return 1;', '}', 'function unused() {', '  return 2;', '}', 'used();', '', ''].join('\n'),
  });
  sessionId = opened.session.id;
  worktree = opened.worktree;
});
after(async () => {
  await d.stop();
  rmSync(worktree, { recursive: true, force: true });
});

const runFile = (params: Omit<P.ParamsOf<typeof P.ExecutionsRunFile>, 'sessionId'>) => d.call(P.ExecutionsRunFile, { sessionId, ...params });

test('a file on disk: the called function ran, the other one (declaration line included) did not', async () => {
  const r = await runFile({ path: 'branches.js', coverage: true });
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.coverage, { path: 'branches.js', ran: [[1, 3], [7, 7]], notRun: [[4, 6]] });
});

test('unsaved content: an if branch not taken, code after a throw and the line that threw', async () => {
  const content = [
    'let n = 1;',              // 1 ran
    'if (n > 5) {',            // 2 ran
    '  n = 0;',                // 3 not run
    '}',                       // 4 ran (the block's closing brace belongs to the if)
    '// a comment',            // 5 a comment line
    'for (let i = 0; i < 3; i++) n += i;', // 6 ran
    'throw new Error("stop")', // 7 ran (it threw)
    'n = 42;',                 // 8 not run
  ].join('\n');
  const r = await runFile({ path: 'draft.js', content, coverage: true });
  assert.equal(r.status, 'error');
  assert.equal(r.error?.location?.line, 7);
  const ran = new Set(expand(r.coverage!.ran));
  const notRun = new Set(expand(r.coverage!.notRun));
  for (const line of [1, 2, 6, 7]) assert.ok(ran.has(line), `line ${line} ran: ${JSON.stringify(r.coverage)}`);
  for (const line of [3, 8]) assert.ok(notRun.has(line), `line ${line} did not run: ${JSON.stringify(r.coverage)}`);
  assert.ok(!ran.has(5) && !notRun.has(5), 'the comment line is in neither list');
});

test('TypeScript: lines mapped back through the source map; type-only lines are in neither list', async () => {
  const content = [
    'interface Shape { kind: string }',      // 1 type only
    'function area(s: Shape): number {',     // 2 ran
    '  if (s.kind === "none") {',            // 3 ran
    '    return 0;',                         // 4 not run
    '  }',                                   // 5
    '  return 1;',                           // 6 ran
    '}',                                     // 7
    'const total: number = area({ kind: "square" });', // 8 ran
  ].join('\n');
  const r = await runFile({ path: 'shapes.ts', content, coverage: true });
  assert.equal(r.status, 'ok');
  const ran = new Set(expand(r.coverage!.ran));
  const notRun = new Set(expand(r.coverage!.notRun));
  for (const line of [2, 3, 6, 8]) assert.ok(ran.has(line), `line ${line} ran: ${JSON.stringify(r.coverage)}`);
  assert.ok(notRun.has(4), `line 4 did not run: ${JSON.stringify(r.coverage)}`);
  assert.ok(!ran.has(1) && !notRun.has(1), 'the interface is in neither list');
});

test('ES module content and a syntax error; no coverage unless asked; nothing recorded with the execution', async () => {
  const esm = await runFile({ path: 'mod.mjs', content: 'export const a = 1;\nif (a > 1) {\n  console.log("no");\n}\n', coverage: true });
  assert.equal(esm.status, 'ok');
  assert.ok(expand(esm.coverage!.notRun).includes(3), JSON.stringify(esm.coverage));
  assert.ok(expand(esm.coverage!.ran).includes(1), JSON.stringify(esm.coverage));

  const bad = await runFile({ path: 'bad.js', content: 'let = ;', coverage: true });
  assert.equal(bad.status, 'error');
  assert.deepEqual({ ran: bad.coverage?.ran, notRun: bad.coverage?.notRun }, { ran: [], notRun: [] }, 'nothing compiled, nothing ran');

  const plain = await runFile({ path: 'branches.js' });
  assert.equal(plain.coverage, undefined);
  const stored = await d.call(P.ExecutionsGet, { executionId: plain.id });
  assert.equal((stored as Record<string, unknown>).coverage, undefined);
});

test('above the size limit the answer says coverage was skipped; coverage: "yes" is a validation error', async () => {
  const big = `var x = 0;\n${'x++;\n'.repeat(60_000)}`;
  const r = await runFile({ path: 'big.js', content: big, coverage: true });
  assert.equal(r.status, 'ok');
  assert.match(r.coverage?.skipped ?? '', /larger than 256 KB/);
  await assert.rejects(d.call(P.ExecutionsRunFile, { sessionId, path: 'branches.js', coverage: 'yes' as unknown as boolean }), (e: { data?: { code?: string } }) => e.data?.code === 'VALIDATION_ERROR');
});

function expand(ranges: Array<[number, number]>): number[] {
  return ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
}
