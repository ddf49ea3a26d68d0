/** Live mode's pure parts: the live-comment rewrite and a run's events → what the editor shows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, EventOf } from '../../server/protocol';
import { liveResult } from '../../extension/live/annotations';
import { MARK, originalColumn, reported, rewriteLive } from '../../extension/live/rewrite';

const body = (code: string) => code.split('\n').slice(0, -2).join('\n');

test('`//?` reports the declared name or the expression of its line; lines never move', () => {
  const src = ['const a = 6 * 7 //?', 'let x = 1', 'x + 1 //?', 'for (const i of [1, 2]) {', '  i * 2 //?', '}', 'const { p } = obj //?'].join('\n');
  const r = rewriteLive(src, 'R');
  assert.equal(body(r.code), ['const a = 6 * 7;R(1, a) //?', 'let x = 1', 'R(3, (x + 1)) //?', 'for (const i of [1, 2]) {', '  R(5, (i * 2)) //?', '}', 'const { p } = R(7, (obj)) //?'].join('\n'));
  assert.deepEqual(r.marked, [1, 3, 5, 7]);
  assert.match(r.code, /\n;function R\(l, v\)/, 'the reporter is defined on a line after the file');
});

test('`/*?*/` reports the expression right before it; assignment targets and plain text are left alone', () => {
  assert.equal(body(rewriteLive('foo(a.b /*?*/, 2)', 'R').code), 'foo(R(1, (a.b)) /*?*/, 2)');
  assert.equal(body(rewriteLive('const s = a + b /*?*/;', 'R').code), 'const s = R(1, (a + b)) /*?*/;');
  assert.equal(body(rewriteLive('x /*?*/ = 1', 'R').code), 'x /*?*/ = 1');
  assert.equal(rewriteLive('const a = 1 // no live comment', 'R').code, 'const a = 1 // no live comment', 'nothing to rewrite: the text as it is');
});

test('TypeScript acorn cannot parse: declarations and self-contained lines, nothing else', () => {
  const src = ['const a: number = 6 * 7 //?', 'twice(a) //?', 'if (a > 1) { //?', 'foo(1, //?', '  2)'].join('\n');
  assert.equal(body(rewriteLive(src, 'R', true).code), ['const a: number = 6 * 7;R(1, a) //?', 'R(2, (twice(a))) //?', 'if (a > 1) { //?', 'foo(1, //?', '  2)'].join('\n'));
});

test('columns map back through the inserted wrapper; reporter lines are recognised', () => {
  const r = rewriteLive('  x + 1 //?', 'R');
  assert.equal(originalColumn(r.insertions, 0, 9), 3, 'x after `R(1, (`');
  assert.equal(originalColumn(r.insertions, 0, 1), 1, 'before the wrapper');
  assert.equal(originalColumn(r.insertions, 1, 5), 5, 'another line');
  assert.deepEqual(reported(`${MARK}12${MARK} 42`), { line: 12, value: '42' });
  assert.equal(reported('42'), undefined);
});

test('a run: reported values and console lines at their lines, the exception at its original column, coverage lines', () => {
  let seq = 0;
  const ev = <K extends Event['type']>(type: K, payload: EventOf<K>['payload']): Event => ({ executionId: 'e', seq: ++seq, ts: '', type, payload }) as Event;
  const r = rewriteLive('const a = 6 * 7 //?\nconsole.log("hi")\n  x + 1 //?', 'R');
  const result = liveResult([
    ev('input_echo', { path: 'f.js', args: {} }),
    ev('console', { level: 'log', text: `${MARK}1${MARK} 42`, location: { path: 'f.js', line: 4, column: 3 } }),
    ev('console', { level: 'log', text: 'hi', location: { path: 'f.js', line: 2, column: 9 } }),
    ev('exception', { name: 'ReferenceError', message: 'x is not defined', stack: '', location: { path: 'f.js', line: 3, column: 9 } }),
  ], 'f.js', r.insertions, 6, { path: 'f.js', ran: [[1, 3]], notRun: [[5, 7]] });
  assert.deepEqual(result.annotations.map((a) => [a.line, a.kind, a.text]), [
    [0, 'value', '42'], [1, 'console', 'hi'], [2, 'error', '✗ ReferenceError: x is not defined'],
  ]);
  const thrown = result.events.find((e) => e.type === 'exception')!.payload as { location: { column: number } };
  assert.equal(thrown.location.column, 3);
  assert.equal(result.threw, 2);
  assert.deepEqual(result.ran, [0, 1, 2]);
  assert.deepEqual(result.notRun, [4, 5]);
  assert.ok(!result.events.some((e) => e.type === 'console' && String((e.payload as { text: string }).text).startsWith(MARK)));
});
