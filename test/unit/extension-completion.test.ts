import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCompletion, commonPrefix, filterItems, wordAt } from '../../extension/completion';

test('the word at the cursor', () => {
  assert.deepEqual(wordAt('Math.fl', 7), { start: 5, end: 7, prefix: 'fl' });
  assert.deepEqual(wordAt('foo(ba', 6), { start: 4, end: 6, prefix: 'ba' });
  assert.deepEqual(wordAt('x.', 2), { start: 2, end: 2, prefix: '' });
  assert.deepEqual(wordAt('$ab_c + 1', 2), { start: 0, end: 5, prefix: '$a' });
  assert.deepEqual(wordAt('', 0), { start: 0, end: 0, prefix: '' });
});

test('filtering keeps prefix matches, exact case first, public names first, unique', () => {
  const items = [
    { label: 'floor', kind: 'function' }, { label: 'Floor', kind: 'property' }, { label: 'abs', kind: 'function' },
    { label: 'floor', kind: 'function' }, { label: '_flag', kind: 'property' }, { label: 'fround', kind: 'function' },
  ];
  assert.deepEqual(filterItems(items, 'fl').map((i) => i.label), ['floor', 'Floor']);
  assert.deepEqual(filterItems(items, '').map((i) => i.label), ['abs', 'floor', 'Floor', 'fround', '_flag']);
});

test('common prefix and applying a completion', () => {
  assert.equal(commonPrefix(['floor', 'flat', 'fl']), 'fl');
  assert.equal(commonPrefix([]), '');
  assert.deepEqual(applyCompletion('Math.fl + 1', { start: 5, end: 7 }, 'floor'), { code: 'Math.floor + 1', cursor: 10 });
});
