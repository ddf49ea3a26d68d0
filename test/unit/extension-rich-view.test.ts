import assert from 'node:assert/strict';
import { test } from 'node:test';
import { richView } from '../../extension/repl-webview/rich';

test('rich view: HTML first, then SVG and bitmaps as data-URL images, then Markdown, then text', () => {
  assert.deepEqual(richView({ 'text/html': '<b>x</b>', 'text/plain': 'x', 'text/markdown': '**x**' }), { kind: 'html', html: '<b>x</b>' });
  assert.deepEqual(richView({ 'image/svg+xml': '<svg/>', 'text/plain': '[SVG]' }),
    { kind: 'image', src: `data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`, alt: '[SVG]' });
  assert.deepEqual(richView({ 'image/png': 'iVBO\nRw==', 'text/plain': '[PNG]' }), { kind: 'image', src: 'data:image/png;base64,iVBORw==', alt: '[PNG]' });
  assert.deepEqual(richView({ 'text/markdown': '# T', 'text/plain': '# T' }), { kind: 'markdown', markdown: '# T', text: '# T' });
  assert.deepEqual(richView({ 'application/json': '{"a":1}', 'text/plain': '{ a: 1 }' }), { kind: 'text', text: '{ a: 1 }' });
  assert.deepEqual(richView({ 'application/json': '{"a":1}' }), { kind: 'text', text: '{\n  "a": 1\n}' });
  assert.deepEqual(richView({ 'text/plain': 'plain' }), { kind: 'text', text: 'plain' });
});

test('rich view: a bitmap that is not base64 is not turned into a URL', () => {
  assert.deepEqual(richView({ 'image/png': '"><script>', 'text/plain': '[PNG]' }), { kind: 'text', text: '[PNG]' });
});
