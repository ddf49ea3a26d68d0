import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, EventOf } from '../../server/protocol';
import {
  eventLines, exceptionText, footerLine, headerLine, inlineAnnotations, lastNonBlankLine, oneLine, parseStack,
  relativePath, statusView, toPosition, watchText, worktreeFrames,
} from '../../extension/format';

const X = '00000000-0000-4000-8000-000000000001';
let seq = 0;
function ev<K extends Event['type']>(type: K, payload: EventOf<K>['payload']): Event {
  return { executionId: X, seq: ++seq, ts: '2026-11-25T21:06:43.123Z', type, payload } as Event;
}

test('event lines: console levels, values, exceptions, system, input echo', () => {
  const check = (e: Event, kind: 'repl' | 'run_file', expected: Array<[string, string]>) =>
    assert.deepEqual(eventLines(e, kind).map((l) => [l.level, l.text]), expected);
  check(ev('console', { level: 'log', text: 'hello' }), 'run_file', [['log', 'hello']]);
  check(ev('console', { level: 'warn', text: 'careful' }), 'run_file', [['warn', '[warn] careful']]);
  check(ev('value', { type: 'number', preview: '42', json: 42 }), 'repl', [['value', '⇒ 42']]);
  check(ev('value', { type: 'undefined', preview: 'undefined' }), 'repl', [['value', '⇒ undefined']]);
  check(ev('value', { type: 'undefined', preview: 'undefined' }), 'run_file', []);
  check(ev('input_echo', { text: 'a\nb' }), 'repl', [['input', '› a'], ['input', '… b']]);
  check(ev('input_echo', { path: 'main.js', args: {} }), 'run_file', []);
  check(ev('system', { level: 'warn', message: 'timeout' }), 'run_file', [['warn', '[system] timeout']]);
  check(ev('exception', { name: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at main.js:3:7' }), 'run_file',
    [['error', 'TypeError: boom\n    at main.js:3:7']]);
});

test('exception text adds the head when the stack lacks it', () => {
  assert.equal(exceptionText({ name: 'Error', message: 'x', stack: '' }), 'Error: x');
  assert.equal(exceptionText({ name: 'Error', message: 'x', stack: '    at f (a.js:1:1)' }), 'Error: x\n    at f (a.js:1:1)');
});

test('footer line per status', () => {
  const m = { wallMs: 12.4, cpuMs: 1, events: 2, outputBytes: 3 };
  assert.deepEqual(footerLine({ status: 'ok', metrics: m }), { text: '✓ ok · 12 ms', level: 'system' });
  assert.deepEqual(footerLine({ status: 'limit_exceeded', metrics: m }), { text: '⚠ limit exceeded · 12 ms', level: 'error' });
  assert.equal(footerLine({ status: 'cancelled', metrics: m }).level, 'warn');
});

test('header line', () => {
  assert.equal(headerLine('main.js').text, '▶ main.js');
  assert.equal(headerLine('main.js', ['watch', 'default']).text, '▶ main.js  (watch, default)');
  assert.equal(headerLine('main.js', [undefined, 'default']).text, '▶ main.js  (default)');
});

test('one line folds newlines and elides', () => {
  assert.equal(oneLine('a\n  b'), 'a ⏎ b');
  assert.equal(oneLine('x'.repeat(10), 5), 'xxxx…');
});

test('positions and paths', () => {
  assert.deepEqual(toPosition({ line: 3, column: 7 }), { line: 2, character: 6 });
  assert.deepEqual(toPosition({ line: 0, column: 0 }), { line: 0, character: 0 });
  assert.equal(relativePath('/ws', '/ws/src/a.js'), 'src/a.js');
  assert.equal(relativePath('/ws/', '/ws/a.js'), 'a.js');
  assert.equal(relativePath('/ws', '/other/a.js'), undefined);
  assert.equal(relativePath('/ws', '/wsx/a.js'), undefined);
  assert.equal(relativePath('C:\\ws', 'C:\\ws\\src\\a.js', '\\'), 'src/a.js');
  assert.equal(lastNonBlankLine('a\nb\n\n  \n'), 1);
  assert.equal(lastNonBlankLine(''), 0);
});

test('inline annotations: value at the value line, console at its call site, exception at its location', () => {
  const events = [
    ev('input_echo', { path: 'main.js', args: {} }),
    ev('console', { level: 'log', text: 'one', location: { path: 'main.js', line: 2, column: 1 } }),
    ev('console', { level: 'log', text: 'two', location: { path: 'main.js', line: 2, column: 1 } }),
    ev('console', { level: 'log', text: 'elsewhere', location: { path: 'lib/util.js', line: 5, column: 3 } }),
    ev('console', { level: 'log', text: 'no location' }),
    ev('exception', { name: 'Error', message: 'bad', stack: '', location: { path: 'main.js', line: 4, column: 9 } }),
    ev('value', { type: 'number', preview: '42', json: 42 }),
  ];
  assert.deepEqual(inlineAnnotations(events, { path: 'main.js', valueLine: 9 }), [
    { path: 'main.js', line: 1, kind: 'console', text: 'one · two' },
    { path: 'lib/util.js', line: 4, kind: 'console', text: 'elsewhere' },
    { path: 'main.js', line: 3, kind: 'error', text: '✗ Error: bad' },
    { path: 'main.js', line: 9, kind: 'value', text: '⇒ 42' },
  ]);
});

test('inline annotations: an exception without location goes to the fallback line; undefined values are not shown', () => {
  const events = [ev('value', { type: 'undefined', preview: 'undefined' }), ev('exception', { name: 'E', message: 'm', stack: '' })];
  assert.deepEqual(inlineAnnotations(events, { path: 'a.js', valueLine: 3, fallbackLine: 1 }), [
    { path: 'a.js', line: 1, kind: 'error', text: '✗ E: m' },
  ]);
  assert.deepEqual(inlineAnnotations(events.slice(1), { path: 'a.js', valueLine: 3 }), []);
});

test('stack frames with a file become links; engine frames do not', () => {
  const lines = parseStack([
    'TypeError: boom',
    '    at explode (src/util.ts:3:9)',
    '    at main.js:10:1',
    '    at <isolated-vm>:1:1',
    '    at node:internal/x:1:1',
    '    at new Thing (/abs/path/a.js:2:3)',
    '    at async /srv/dist/cli.js:28062:14',
    '    at async run (lib/b.js:4:5)',
  ].join('\n'));
  assert.deepEqual(lines.map((l) => l.frame), [
    undefined,
    { path: 'src/util.ts', line: 3, column: 9 },
    { path: 'main.js', line: 10, column: 1 },
    undefined,
    undefined,
    { path: '/abs/path/a.js', line: 2, column: 3 },
    { path: '/srv/dist/cli.js', line: 28062, column: 14 },
    { path: 'lib/b.js', line: 4, column: 5 },
  ]);
  assert.deepEqual(worktreeFrames(lines, '/abs').map((l) => l.frame?.path), [
    undefined, 'src/util.ts', 'main.js', undefined, undefined, 'path/a.js', undefined, 'lib/b.js',
  ]);
});

test('status texts', () => {
  assert.equal(statusView('ready', 'default').text, '$(vm-active) VM: ready · default');
  assert.equal(statusView('running', 'default').text, '$(sync~spin) VM: running · default');
  assert.equal(statusView('idle', 'web').text, '$(vm) VM: no session · web');
  const crashed = statusView('crashed', 'default', 'out of memory');
  assert.ok(crashed.error);
  assert.match(crashed.tooltip, /out of memory/);
  assert.equal(watchText([]), undefined);
  assert.equal(watchText(['src/main.js']), '$(eye) watching main.js');
  assert.equal(watchText(['a.js', 'b.js']), '$(eye) watching a.js +1');
});
