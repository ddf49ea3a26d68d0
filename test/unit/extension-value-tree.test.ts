import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summary, valueTree } from '../../extension/value-tree';

test('primitives are leaves showing the preview', () => {
  assert.deepEqual(valueTree({ type: 'number', preview: '42', json: 42 }), { text: '42', kind: 'number' });
  assert.deepEqual(valueTree({ type: 'string', preview: 'hi', json: 'hi' }), { text: 'hi', kind: 'string' });
  assert.deepEqual(valueTree({ type: 'map', preview: "Map(1) { 'a' => 1 }" }), { text: "Map(1) { 'a' => 1 }", kind: 'other' });
});

test('objects and arrays expand from json', () => {
  const t = valueTree({ type: 'object', preview: '{ a: 1, b: [ 1, 2 ], c: { d: \'x\' } }', json: { a: 1, b: [1, 2], c: { d: 'x' } } });
  assert.equal(t.kind, 'object');
  assert.equal(t.text, "{ a: 1, b: [ 1, 2 ], c: { d: 'x' } }");
  assert.deepEqual(t.children?.map((c) => [c.label, c.text, c.kind]), [
    ['a', '1', 'number'], ['b', '[ 1, 2 ]', 'array'], ['c', "{ d: 'x' }", 'object'],
  ]);
  assert.deepEqual(t.children?.[1].children?.map((c) => c.label), ['0', '1']);
  assert.deepEqual(t.children?.[2].children?.[0], { label: 'd', text: "'x'", kind: 'string' });
});

test('wide and big values are cut', () => {
  const json = Array.from({ length: 250 }, (_, i) => i);
  const t = valueTree({ type: 'array', preview: '[ … ]', json }, { maxChildren: 100, maxNodes: 1000, maxText: 50 });
  assert.equal(t.children?.length, 101);
  assert.equal(t.children?.[100].text, '… 150 more');
  const deep = valueTree({ type: 'array', preview: '[]', json: Array.from({ length: 50 }, () => [1, 2, 3]) }, { maxChildren: 100, maxNodes: 20, maxText: 50 });
  const count = (n: { children?: unknown[] }): number => 1 + ((n.children ?? []) as Array<{ children?: unknown[] }>).reduce((s, c) => s + count(c), 0);
  assert.ok(count(deep) < 40);
});

test('summary reads like util.inspect on one line', () => {
  assert.equal(summary({ a: 1, 'b-c': 'x', d: [1, { e: null }] }), "{ a: 1, 'b-c': 'x', d: [ 1, [Object] ] }");
  assert.equal(summary([]), '[]');
  assert.equal(summary({}), '{}');
});
