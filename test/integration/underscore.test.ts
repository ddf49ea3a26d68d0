/** `_` and `_error`: kept by the session's runtime, the way Node's REPL keeps them, through the daemon. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import path from 'node:path';
import { openSession, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon';
import { connectSocketClient } from '../helpers/socket-client';

let d: TestDaemon;
const socketDir = tempDir();
const socketPath = path.join(socketDir, 'd.sock');
const worktrees: string[] = [socketDir];
before(async () => { d = await startDaemon({ extraArgs: ['--socket', socketPath] }); });
after(async () => {
  await d.stop();
  for (const w of worktrees) rmSync(w, { recursive: true, force: true });
});

async function session(files: Record<string, string> = {}, settings?: Parameters<typeof openSession>[2]): Promise<string> {
  const { session: s, worktree } = await openSession(d, files, settings);
  worktrees.push(worktree);
  return s.id;
}

const repl = (sessionId: string, input: string) => d.call(P.ExecutionsRepl, { sessionId, input });
const preview = async (sessionId: string, input: string) => (await repl(sessionId, input)).result?.preview;

test('_ is the value of the last REPL execution, awaited promises included', async () => {
  const s = await session();
  assert.equal(await preview(s, 'typeof _'), 'undefined');
  await repl(s, '6 * 7');
  assert.equal(await preview(s, '_ + 1'), '43');
  assert.equal(await preview(s, '_'), '43', '_ + 1 was itself a value');
  await repl(s, '({ list: [1, 2] })');
  assert.equal(await preview(s, '_.list.length'), '2');
  await repl(s, 'var kept = { a: 1 }; kept');
  assert.equal(await preview(s, '_ === kept'), 'true', 'the value itself, not a copy');
  await repl(s, 'await new Promise((r) => setTimeout(() => r("later"), 5))');
  assert.equal(await preview(s, '_'), "later");
  await repl(s, 'var nothing = 1');
  assert.equal(await preview(s, 'typeof _'), 'undefined', 'a statement without a value sets undefined, as in Node');
  await repl(s, 'function declared() { return 5 }');
  assert.equal(await preview(s, 'declared()'), '5');
  const failed = await repl(s, 'throw new Error("x")');
  assert.equal(failed.status, 'error');
  assert.equal(await preview(s, '_'), '5', 'a failed execution leaves _ as it was');
});

test('_error is the exception of the last REPL execution that threw or rejected', async () => {
  const s = await session();
  assert.equal(await preview(s, 'typeof _error'), 'undefined');
  await repl(s, 'var boom = new TypeError("boom"); throw boom');
  assert.equal(await preview(s, '_error === boom'), 'true', 'the thrown value itself');
  await repl(s, 'throw { code: 7 }');
  assert.equal(await preview(s, '_error.code'), '7');
  await repl(s, 'await Promise.reject(new RangeError("rejected"))');
  assert.equal(await preview(s, '`${_error.name}: ${_error.message} ${_error instanceof RangeError}`'), 'RangeError: rejected true');
  await repl(s, 'const parsed = JSON.parse("{")');
  assert.equal(await preview(s, '_error instanceof SyntaxError'), 'true', 'input declaring a const');
  await repl(s, ')');
  assert.equal(await preview(s, '`${_error.name}: ${_error.message}`'), "SyntaxError: Unexpected token ')'", 'a syntax error');
  await repl(s, 'let lexical = 1; undefinedName');
  assert.equal(await preview(s, '_error.message'), 'undefinedName is not defined');
  assert.equal(await preview(s, '_error instanceof ReferenceError'), 'true');
  assert.equal(await preview(s, '1 + 1'), '2');
  assert.equal(await preview(s, '_error.message'), 'undefinedName is not defined', 'a success leaves _error as it was');
});

test('wrapping keeps what REPL input means: values, declarations, locations, syntax errors', async () => {
  const s = await session();
  assert.equal(await preview(s, '{ a: 1 }'), '{ a: 1 }');
  assert.equal(await preview(s, 'if (true) { "from if" }'), 'from if');
  assert.equal(await preview(s, 'var v = 1; v + 1'), '2');
  assert.equal(await preview(s, 'v'), '1');
  const thrown = await repl(s, '1;\nnull.x');
  assert.match(thrown.error!.stack, /<repl>:2:6/);
  assert.equal((await repl(s, '1 +')).error?.message, 'Unexpected end of input');
  const strict = await session({}, { runtime: { strict: true } });
  await repl(strict, 'function g() { return 4 }');
  assert.equal(await preview(strict, 'g()'), '4', 'strict mode: the function is still global');
  await repl(strict, 'undefinedThing');
  assert.equal(await preview(strict, '_error.name'), 'ReferenceError');
});

test('assigning _ or _error turns the feature off, with Node\'s message', async () => {
  const s = await session();
  const assigned = await repl(s, '_ = "mine"');
  const notes = assigned.events.filter((e) => e.type === 'system').map((e) => e.payload);
  assert.deepEqual(notes, [{ level: 'info', message: 'Expression assignment to _ now disabled.' }]);
  assert.equal(assigned.status, 'ok');
  await repl(s, '1 + 1');
  assert.equal(await preview(s, '_'), 'mine');
  const again = await repl(s, '_ = "again"');
  assert.deepEqual(again.events.filter((e) => e.type === 'system'), [], 'said once');

  const err = await repl(s, '_error = "handled"');
  assert.deepEqual(err.events.filter((e) => e.type === 'system').map((e) => e.payload),
    [{ level: 'info', message: 'Expression assignment to _error now disabled.' }]);
  await repl(s, 'throw new Error("ignored")');
  assert.equal(await preview(s, '_error'), 'handled');

  // Another session is not affected.
  const other = await session();
  await repl(other, '5');
  assert.equal(await preview(other, '_'), '5');
});

test('only REPL executions update them: run files do not, and every client of the session sees the same', async () => {
  const s = await session({ 'value.js': '"from a file"', 'throws.js': 'throw new Error("file error")', 'reads.js': '_ + ":" + _error.message' });
  await repl(s, '"from the repl"');
  await repl(s, 'throw new Error("repl error")');
  await d.call(P.ExecutionsRunFile, { sessionId: s, path: 'value.js' });
  await d.call(P.ExecutionsRunFile, { sessionId: s, path: 'throws.js' });
  assert.equal((await d.call(P.ExecutionsRunFile, { sessionId: s, path: 'reads.js' })).result?.preview, 'from the repl:repl error', 'a file reads them');

  // A second client of the same daemon sees the same, and its REPL input updates them for everyone.
  const second = await connectSocketClient(socketPath);
  try {
    assert.equal((await second.call(P.ExecutionsRepl, { sessionId: s, input: '_error.message' })).result?.preview, 'repl error');
    await second.call(P.ExecutionsRepl, { sessionId: s, input: '"from the second client"' });
  } finally {
    second.close();
  }
  assert.equal(await preview(s, '_'), 'from the second client');
});

test('a restart starts them afresh; replay sets them again', async () => {
  const s = await session();
  await repl(s, '"one"');
  await repl(s, 'throw new Error("two")');
  await d.call(P.SessionsRestart, { sessionId: s });
  assert.equal(await preview(s, 'typeof _ + typeof _error'), 'undefinedundefined');
  await repl(s, '"three"');
  await d.call(P.SessionsRestart, { sessionId: s, replay: true });
  assert.equal(await preview(s, '_'), 'three', 'the replayed inputs ran in order, the last one set _');
  assert.equal(await preview(s, 'typeof _error'), 'undefined', 'failed inputs are not replayed');
});
