import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputHistory } from '../../extension/history';

test('up and down walk the history and keep the draft', () => {
  const h = new InputHistory(['a', 'b']);
  assert.equal(h.up('draft'), 'b');
  assert.equal(h.up('b'), 'a');
  assert.equal(h.up('a'), undefined);
  assert.equal(h.down(), 'b');
  assert.equal(h.down(), 'draft');
  assert.equal(h.down(), undefined);
});

test('push skips blanks and repeats, caps the size and resets the cursor', () => {
  const h = new InputHistory([], 3);
  for (const x of ['1', '1', ' ', '2', '3', '4']) h.push(x);
  assert.deepEqual(h.list(), ['2', '3', '4']);
  h.up('');
  h.push('5');
  assert.equal(h.up(''), '5');
});
