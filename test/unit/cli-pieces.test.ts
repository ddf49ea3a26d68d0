/** Pure pieces of the CLI: input continuation, fast-path argv, framing, layout, paths. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFastExecRepl } from '../../cli/fast/exec';
import { encodeFrame, MessageDecoder } from '../../cli/daemon/frames';
import { colorsWanted, paintFor } from '../../cli/format/color';
import { keyValues, table } from '../../cli/format/layout';
import { isIncomplete } from '../../cli/repl/incomplete';
import { toWorktreePath } from '../../cli/worktree-path';

test('isIncomplete: only an unexpected end of input continues the statement', () => {
  const check = (code: string, expected: boolean): void => assert.equal(isIncomplete(code), expected, JSON.stringify(code));
  for (const code of ['function f() {', 'foo(', '1 +', '{', 'const o = {\n  a: 1,', '`line one', '/* comment', 'x.', 'if (a) {\n', 'a =>', 'class A {']) check(code, true);
  for (const code of ['1 + 1', 'var x = 1', 'await 1', '"unterminated', '1 2', '', '   ', '// comment', 'return 5', 'function f() {}']) check(code, false);
});

test('parseFastExecRepl takes plain `exec repl SESSION CODE` only', () => {
  const env = { VM_SYSTEM_DB: '/tmp/x.db' };
  assert.deepEqual(parseFastExecRepl(['exec', 'repl', 'S', '1+1'], env), { dbPath: '/tmp/x.db', sessionId: 'S', code: '1+1', json: false });
  assert.deepEqual(parseFastExecRepl(['--json', 'exec', 'repl', '--db', '/tmp/y.db', 'S', '1'], env), { dbPath: '/tmp/y.db', sessionId: 'S', code: '1', json: true });
  assert.deepEqual(parseFastExecRepl(['exec', 'repl', 'S', '--db=/tmp/z.db', '--', '-1'], env), { dbPath: '/tmp/z.db', sessionId: 'S', code: '-1', json: false });
  assert.equal(parseFastExecRepl(['exec', 'repl', 'S', '1', '--help'], env), undefined);
  assert.equal(parseFastExecRepl(['exec', 'repl', 'S'], env), undefined);
  assert.equal(parseFastExecRepl(['exec', 'repl', 'S', '-'], env), undefined, 'stdin code goes the long way');
  assert.equal(parseFastExecRepl(['exec', 'run-file', 'S', 'a.js'], env), undefined);
  assert.equal(parseFastExecRepl(['exec', 'repl', 'S', '1', '--db'], env), undefined, '--db without its value');
  assert.equal(parseFastExecRepl(['--json=yes', 'exec', 'repl', 'S', '1'], env), undefined, 'a value for a flag');
  assert.equal(parseFastExecRepl(['-j', 'exec', 'repl', 'S', '1'], env), undefined, 'an unknown short option');
});

test('frames round-trip, split anywhere', () => {
  const a = encodeFrame({ id: 1, result: 'é' });
  const b = encodeFrame({ method: 'x', params: { n: [1, 2] } });
  const all = Buffer.concat([a, b]);
  for (let cut = 0; cut <= all.length; cut++) {
    const decoder = new MessageDecoder();
    const got = [...decoder.push(all.subarray(0, cut)), ...decoder.push(all.subarray(cut))];
    assert.deepEqual(got, [{ id: 1, result: 'é' }, { method: 'x', params: { n: [1, 2] } }]);
  }
});

test('colours: terminals only, never with NO_COLOR, FORCE_COLOR overrides', () => {
  assert.equal(colorsWanted({ isTTY: true }, {}), true);
  assert.equal(colorsWanted({ isTTY: false }, {}), false);
  assert.equal(colorsWanted({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(colorsWanted({ isTTY: true }, { NO_COLOR: '' }), true);
  assert.equal(colorsWanted({ isTTY: true }, { TERM: 'dumb' }), false);
  // FORCE_COLOR as Node reads it: on anywhere (even over NO_COLOR) for 1/2/3/true/empty, off for anything else.
  assert.equal(colorsWanted({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  assert.equal(colorsWanted({ isTTY: false }, { FORCE_COLOR: '' }), true);
  assert.equal(colorsWanted({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }), true);
  assert.equal(colorsWanted({ isTTY: true }, { FORCE_COLOR: '0' }), false);
  assert.equal(colorsWanted({ isTTY: true }, { FORCE_COLOR: 'false' }), false);
  assert.equal(colorsWanted({ isTTY: true }, { FORCE_COLOR: 'yes' }), false);
  assert.equal(colorsWanted({ isTTY: false }, { FORCE_COLOR: 'true' }), true);
  assert.equal(paintFor(false).red('x'), 'x');
  assert.equal(paintFor(true).red('x'), '\u001b[31mx\u001b[39m');
});

test('tables and key/value blocks align, colours not counted', () => {
  const p = paintFor(true);
  const plain = paintFor(false);
  assert.equal(table(['A', 'BB'], [['xxx', 'y'], ['z', 'w']], plain), 'A    BB\nxxx  y\nz    w\n');
  assert.equal(table(['A', 'B'], [[p.red('xx'), 'y']], p).replace(/\u001b\[\d+m/g, ''), 'A   B\nxx  y\n');
  assert.equal(table(['A'], [], plain, '(none)'), '(none)\n');
  assert.equal(keyValues([['id', 'x'], ['status', 'ok'], ['gone', undefined]], plain), 'id      x\nstatus  ok\n');
});

test('toWorktreePath: relative to the worktree when inside it, as given otherwise', () => {
  assert.equal(toWorktreePath('a/b.js', '/w', '/w'), 'a/b.js');
  assert.equal(toWorktreePath('/w/a.js', '/w', '/elsewhere'), 'a.js');
  assert.equal(toWorktreePath('b.js', '/w', '/w/sub'), 'sub/b.js');
  assert.equal(toWorktreePath('../x.js', '/w', '/w'), '../x.js');
  assert.equal(toWorktreePath('/etc/passwd', '/w', '/w'), '/etc/passwd');
  assert.equal(toWorktreePath('a.js', '/w', '/other'), 'a.js');
});
