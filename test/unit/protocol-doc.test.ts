import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BEGIN, END, renderReference } from '../../server/protocol/render-doc';

test('docs/protocol.md carries the reference generated from server/protocol (run `npm run docs`)', () => {
  const doc = readFileSync(path.join(__dirname, '../../docs/protocol.md'), 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  assert.ok(start >= 0 && end > start, 'generated section markers missing');
  assert.equal(doc.slice(start, end + END.length), renderReference());
});
