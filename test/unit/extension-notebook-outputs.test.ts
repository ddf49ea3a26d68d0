import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, EventOf } from '../../server/protocol';
import {
  cellError, endNote, notebookLanguage, notebookLink, outputPart, outputParts, prefersVmSystem, withLink,
} from '../../extension/notebook/outputs';

const X = '00000000-0000-4000-8000-000000000001';
let seq = 0;
function ev<K extends Event['type']>(type: K, payload: EventOf<K>['payload']): Event {
  return { executionId: X, seq: ++seq, ts: '2026-12-04T18:00:00.000Z', type, payload } as Event;
}

test('notebook outputs: console and system lines are stdout/stderr streams, consecutive ones joined', () => {
  const parts = outputParts([
    ev('input_echo', { text: 'console.log(1)' }),
    ev('console', { level: 'log', text: 'a' }),
    ev('console', { level: 'info', text: 'b' }),
    ev('console', { level: 'warn', text: 'w' }),
    ev('console', { level: 'error', text: 'e' }),
    ev('system', { level: 'info', message: 'note' }),
    ev('system', { level: 'warn', message: '_ is no longer the last value' }),
  ], 'Cell [1]');
  assert.deepEqual(parts, [
    { kind: 'stream', stream: 'stdout', text: 'a\nb\n' },
    { kind: 'stream', stream: 'stderr', text: 'w\ne\n' },
    { kind: 'stream', stream: 'stdout', text: 'note\n' },
    { kind: 'stream', stream: 'stderr', text: '_ is no longer the last value\n' },
  ]);
});

test('notebook outputs: a value is text/plain, structured values add application/json, undefined shows nothing', () => {
  assert.deepEqual(outputPart(ev('value', { type: 'number', preview: '42', json: 42 }), 'Cell [1]'),
    { kind: 'bundle', items: [{ mime: 'text/plain', data: '42' }] });
  assert.deepEqual(outputPart(ev('value', { type: 'string', preview: 'hi', json: 'hi' }), 'Cell [1]'),
    { kind: 'bundle', items: [{ mime: 'text/plain', data: 'hi' }] });
  assert.deepEqual(outputPart(ev('value', { type: 'object', preview: '{ a: [ 1 ] }', json: { a: [1] } }), 'Cell [1]'),
    { kind: 'bundle', items: [{ mime: 'application/json', data: '{"a":[1]}' }, { mime: 'text/plain', data: '{ a: [ 1 ] }' }] });
  assert.deepEqual(outputPart(ev('value', { type: 'map', preview: 'Map(0) {}' }), 'Cell [1]'),
    { kind: 'bundle', items: [{ mime: 'text/plain', data: 'Map(0) {}' }] });
  assert.equal(outputPart(ev('value', { type: 'undefined', preview: 'undefined' }), 'Cell [1]'), undefined);
  assert.equal(outputPart(ev('input_echo', { text: '1' }), 'Cell [1]'), undefined);
});

test('notebook outputs: a display bundle keeps its MIME types; binary images are decoded from base64; metadata passes', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const part = outputPart(ev('display', {
    data: { 'image/png': png.toString('base64'), 'text/plain': '[PNG image]' },
    metadata: { 'image/png': { width: 16, height: 16 } },
  }), 'Cell [1]');
  assert.equal(part?.kind, 'bundle');
  if (part?.kind !== 'bundle') return;
  assert.deepEqual(part.items.map((i) => i.mime), ['image/png', 'text/plain']);
  assert.ok(part.items[0].data instanceof Uint8Array);
  assert.deepEqual([...(part.items[0].data as Uint8Array)], [...png]);
  assert.equal(part.items[1].data, '[PNG image]');
  assert.deepEqual(part.metadata, { 'image/png': { width: 16, height: 16 } });
  const html = outputPart(ev('display', { data: { 'text/html': '<b>x</b>', 'text/plain': '<b>x</b>' } }), 'Cell [1]');
  assert.deepEqual(html, { kind: 'bundle', items: [{ mime: 'text/html', data: '<b>x</b>' }, { mime: 'text/plain', data: '<b>x</b>' }], metadata: undefined });
});

test('notebook outputs: an exception is an error whose stack names the cell and line instead of <repl>', () => {
  const part = outputPart(ev('exception', {
    name: 'Error', message: 'boom', stack: 'Error: boom\n    at fail (<repl>:2:9)\n    at <repl>:4:1\n    at node:internal/x:1:1',
  }), 'Cell [6]');
  assert.deepEqual(part, {
    kind: 'error', name: 'Error', message: 'boom',
    stack: 'Error: boom\n    at fail (Cell [6], line 2:9)\n    at Cell [6], line 4:1\n    at node:internal/x:1:1',
  });
  assert.equal(cellError({ name: 'SyntaxError', message: 'x', stack: 'SyntaxError: x' }, 'Cell [1]').stack, 'SyntaxError: x');
});

test('notebook outputs: how a cell that ended without its own exception says why', () => {
  assert.match((endNote({ status: 'cancelled' }, false) as { text: string }).text, /Interrupted/);
  assert.match((endNote({ status: 'timeout' }, false) as { text: string }).text, /longer/);
  assert.equal(endNote({ status: 'timeout' }, true), undefined, 'the exception already says it');
  assert.equal(endNote({ status: 'ok' }, false), undefined);
  assert.equal(endNote(undefined, false), undefined);
});

test('notebook metadata: the session link lives in metadata.vmSystem of the .ipynb, the rest is kept', () => {
  const m = { nbformat: 4, metadata: { kernelspec: { language: 'TypeScript' }, other: 1 } };
  assert.deepEqual(notebookLink(m), { sessionId: undefined, template: undefined });
  const linked = withLink(m, { sessionId: 's1', template: 'default' });
  assert.deepEqual(linked, { nbformat: 4, metadata: { kernelspec: { language: 'TypeScript' }, other: 1, vmSystem: { sessionId: 's1', template: 'default' } } });
  assert.deepEqual(notebookLink(linked), { sessionId: 's1', template: 'default' });
  assert.deepEqual(notebookLink({ metadata: { vmSystem: { sessionId: 3, template: '  ' } } }), { sessionId: undefined, template: undefined });
  assert.deepEqual(notebookLink(undefined), { sessionId: undefined, template: undefined });
});

test('notebook metadata: the kernel is preferred for JavaScript and TypeScript notebooks only', () => {
  assert.equal(notebookLanguage({ metadata: { kernelspec: { language: 'TypeScript' } } }), 'typescript');
  assert.equal(notebookLanguage({ metadata: { language_info: { name: 'javascript' } } }), 'javascript');
  assert.equal(prefersVmSystem({ metadata: { language_info: { name: 'javascript' } } }), true);
  assert.equal(prefersVmSystem({ metadata: { kernelspec: { language: 'typescript' } } }), true);
  assert.equal(prefersVmSystem({ metadata: { kernelspec: { language: 'python' } } }), false);
  assert.equal(prefersVmSystem({}), false);
});
