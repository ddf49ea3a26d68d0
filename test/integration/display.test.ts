/** Rich output: the `display` global and its `display` events, through the daemon. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { errorOf, makeWorktree, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';
import { cliDb, type CliDb } from '../helpers/cli';

let d: TestDaemon;
const worktrees: string[] = [];
before(async () => { d = await startDaemon(); });
after(async () => {
  await d.stop();
  for (const w of worktrees) rmSync(w, { recursive: true, force: true });
});

async function session(settings?: Parameters<typeof openSession>[2]): Promise<string> {
  const { session: s, worktree } = await openSession(d, {}, settings);
  worktrees.push(worktree);
  return s.id;
}

const repl = (sessionId: string, input: string) => d.call(P.ExecutionsRepl, { sessionId, input });

/** The display payloads of an execution, in order. */
const displays = (e: P.ExecutionWithEvents) => e.events.filter((ev) => ev.type === 'display').map((ev) => ev.payload as P.DisplayPayload);

// 1×1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

test('display(value): text/plain is the preview a value event would show', async () => {
  const s = await session();
  for (const input of ['"hello"', '({ a: [1, 2], b: "x" })', '42', 'new Map([[1, 2]])', 'undefined']) {
    const shown = await repl(s, `display(${input})`);
    const value = await repl(s, input);
    assert.equal(shown.status, 'ok');
    assert.deepEqual(displays(shown), [{ data: { 'text/plain': value.result!.preview } }], input);
    assert.equal(shown.result?.type, 'undefined', 'display() returns undefined');
    assert.ok(P.ExecutionWithEvents.safeParse(shown).success);
  }
});

test('display helpers: each MIME type with its text/plain fallback', async () => {
  const s = await session();
  const one = async (input: string) => {
    const r = await repl(s, input);
    assert.equal(r.status, 'ok', `${input}: ${JSON.stringify(r.error)}`);
    const list = displays(r);
    assert.equal(list.length, 1, input);
    assert.equal(typeof list[0].data['text/plain'], 'string', `${input}: text/plain is always there`);
    return list[0];
  };
  assert.deepEqual(await one('display.html("<b>bold</b>")'), { data: { 'text/html': '<b>bold</b>', 'text/plain': '<b>bold</b>' } });
  assert.deepEqual(await one('display.markdown("# Title")'), { data: { 'text/markdown': '# Title', 'text/plain': '# Title' } });
  assert.deepEqual(await one('display.svg("<svg xmlns=\'http://www.w3.org/2000/svg\'/>")'),
    { data: { 'image/svg+xml': "<svg xmlns='http://www.w3.org/2000/svg'/>", 'text/plain': '[SVG image, 41 characters]' } });
  assert.deepEqual(await one('display.json({ a: 1, b: [true, null] })'),
    { data: { 'application/json': '{"a":1,"b":[true,null]}', 'text/plain': '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}' } });

  const png = { data: { 'image/png': PNG, 'text/plain': '[PNG image 1×1, 70 bytes]' }, metadata: { 'image/png': { width: 1, height: 1 } } };
  assert.deepEqual(await one(`display.png(${JSON.stringify(PNG)})`), png, 'base64');
  assert.deepEqual(await one(`display.png("data:image/png;base64,${PNG}")`), png, 'a data: URL');
  assert.deepEqual(await one(`display.png(Uint8Array.from(atob(${JSON.stringify(PNG)}), (c) => c.charCodeAt(0)))`), png, 'bytes');
  assert.deepEqual(await one(`display.png(Uint8Array.from(atob(${JSON.stringify(PNG)}), (c) => c.charCodeAt(0)).buffer)`), png, 'an ArrayBuffer');

  // Bytes are sent as given: without a PNG header there is just no size.
  assert.deepEqual(await one('display.png("aGVsbG8=")'), { data: { 'image/png': 'aGVsbG8=', 'text/plain': '[PNG image, 5 bytes]' } });
  assert.deepEqual(await one('display.png(new Uint8Array([104, 101, 108, 108, 111]))'), { data: { 'image/png': 'aGVsbG8=', 'text/plain': '[PNG image, 5 bytes]' } });
  assert.deepEqual(await one('display.png([104, 105])'), { data: { 'image/png': 'aGk=', 'text/plain': '[PNG image, 2 bytes]' } });

  const table = await one('display.table([{ a: 1, b: "x<y" }, { a: 2 }])');
  assert.equal(table.data['text/plain'], (await repl(s, 'console.table([{ a: 1, b: "x<y" }, { a: 2 }])')).events
    .map((e) => e.payload as P.ConsolePayload).find((p) => 'level' in p)!.text, 'the text table is console.table\'s');
  assert.equal(table.data['text/html'], '<table>\n<thead><tr><th>(index)</th><th>a</th><th>b</th></tr></thead>\n<tbody>\n'
    + '<tr><td>0</td><td>1</td><td>x&lt;y</td></tr>\n<tr><td>1</td><td>2</td><td></td></tr>\n</tbody>\n</table>');
});

test('display helpers refuse what they cannot show, in the calling code', async () => {
  const s = await session();
  const cases: Array<[string, RegExp]> = [
    ['display.html(42)', /display\.html expects a string/],
    ['display.png("not base64!")', /not base64/],
    ['display.png({})', /expects bytes/],
    ['display.json({ n: 1n })', /not JSON-serialisable/],
    ['display.table(5)', /rows must be/],
  ];
  for (const [input, message] of cases) {
    const r = await repl(s, input);
    assert.equal(r.status, 'error', input);
    assert.equal(r.error?.name, 'TypeError', input);
    assert.match(r.error!.message, message, input);
    assert.deepEqual(displays(r), [], `${input}: nothing was shown`);
  }
});

test('the Symbol.for("vm-system.display") protocol: a value shows its own bundle', async () => {
  const s = await session();
  await repl(s, `class Chart {
    constructor(points) { this.points = points; }
    [Symbol.for('vm-system.display')]() { return { 'text/html': '<div>' + this.points.length + ' points</div>' }; }
  }`);
  const own = await repl(s, 'display(new Chart([1, 2, 3]))');
  const preview = (await repl(s, 'new Chart([1, 2, 3])')).result!.preview;
  assert.deepEqual(displays(own), [{ data: { 'text/html': '<div>3 points</div>', 'text/plain': preview } }], 'text/plain filled in with the preview');

  const both = await repl(s, `display({ [Symbol.for('vm-system.display')]() {
    return { data: { 'text/plain': 'plain', 'image/png': '${PNG}' }, metadata: { 'image/png': { width: 10 } } };
  } })`);
  assert.deepEqual(displays(both), [{ data: { 'text/plain': 'plain', 'image/png': PNG }, metadata: { 'image/png': { width: 10 } } }], '{data, metadata}');

  for (const [bundle, message] of [
    ['{ "text/html": 5 }', /value for 'text\/html' must be a string/],
    ['{ "html": "<b>x</b>" }', /'html' is not a MIME type/],
    ['"just a string"', /must be an object/],
    ['{ data: { "text/plain": "x" }, metadata: { f() {} } }', /metadata must be a plain JSON object/],
  ] as const) {
    const r = await repl(s, `display({ [Symbol.for('vm-system.display')]() { return ${bundle}; } })`);
    assert.equal(r.status, 'error', bundle);
    assert.match(r.error!.message, message, bundle);
    assert.deepEqual(displays(r), []);
  }
});

test('display events are streamed, stored, and counted as output', async () => {
  const s = await session();
  const r = await repl(s, 'console.log("before"); display.html("<p>é</p>"); console.log("after"); 1');
  assert.deepEqual(r.events.map((e) => e.type), ['input_echo', 'console', 'display', 'console', 'value']);
  assert.deepEqual((await d.call(P.ExecutionsEvents, { executionId: r.id })).events, r.events);
  assert.deepEqual(d.events.filter((n) => n.executionId === r.id).map((n) => n.event.type), ['input_echo', 'console', 'display', 'console', 'value']);
  // "before" + "after" + both strings of the bundle, in UTF-8 bytes.
  assert.equal(r.metrics.outputBytes, 6 + 5 + 2 * Buffer.byteLength('<p>é</p>'));
});

test('display events count against maxEvents and maxOutputKb like console output', async () => {
  const s = await session({ limits: { maxEvents: 10, maxOutputKb: 4 } });
  const many = await errorOf(repl(s, 'for (let i = 0; i < 100; i++) display(i)'));
  assert.equal(many.code, 'OUTPUT_LIMIT_EXCEEDED');
  assert.equal(many.error.data?.details?.limit, 'maxEvents');
  const partial = await d.call(P.ExecutionsGet, { executionId: String(many.error.data?.details?.executionId) });
  assert.equal(partial.status, 'limit_exceeded');
  const events = (await d.call(P.ExecutionsEvents, { executionId: partial.id })).events;
  assert.equal(events.length, 10);
  assert.deepEqual(events.slice(1, -1).map((e) => e.type), Array(8).fill('display'));
  assert.equal(events.at(-1)?.type, 'system');

  const big = await errorOf(repl(s, 'display.html("x".repeat(3000)); display.html("y".repeat(3000))'));
  assert.equal(big.code, 'OUTPUT_LIMIT_EXCEEDED');
  assert.equal(big.error.data?.details?.limit, 'maxOutputKb');
  const bigEvents = (await d.call(P.ExecutionsEvents, { executionId: String(big.error.data?.details?.executionId) })).events;
  assert.deepEqual(bigEvents.map((e) => e.type), ['input_echo', 'system'], 'one bundle of 6000 bytes is already over 4 KB');
  assert.match((bigEvents[1].payload as P.SystemPayload).message, /maxOutputKb/);

  // The session goes on.
  assert.equal((await repl(s, 'display("ok"); 2')).result?.preview, '2');
});

test('a bundle beyond the size bound is refused inside the isolate', async () => {
  const s = await session({ limits: { maxOutputKb: 1024 * 1024 } });
  const r = await repl(s, 'display.html("x".repeat(17 * 1024 * 1024))');
  assert.equal(r.status, 'error');
  assert.equal(r.error?.name, 'RangeError');
  assert.match(r.error!.message, /more than 16777216/);
});

test('the CLI prints the text/plain part, and the whole event with --json', async (t) => {
  const cli: CliDb = cliDb();
  t.after(() => cli.stop());
  const worktree = makeWorktree();
  worktrees.push(worktree);
  const s = await cli.json<{ id: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', worktree]);
  const code = `display.html("<b>x</b>"); display.table([{ a: 1 }]); display.png("${PNG}"); 7`;
  for (const env of [{}, { VM_SYSTEM_NO_NATIVE: '1' }] as Array<Record<string, string>>) {
    const human = await cli.run(['exec', 'repl', s.id, code], { env });
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, '<b>x</b>\n┌─────────┬───┐\n│ (index) │ a │\n├─────────┼───┤\n│    0    │ 1 │\n└─────────┴───┘\n[PNG image 1×1, 70 bytes]\n7\n');
  }
  const json = JSON.parse((await cli.run(['--json', 'exec', 'repl', s.id, 'display.markdown("*hi*")'])).stdout) as P.ExecutionWithEvents;
  assert.deepEqual(json.events.find((e) => e.type === 'display')?.payload, { data: { 'text/markdown': '*hi*', 'text/plain': '*hi*' } });
  const events = await cli.run(['exec', 'events', json.id]);
  assert.match(events.stdout, /^2 .* display\s+\*hi\* \(text\/markdown, text\/plain\)\s*$/m);
  await cli.run(['session', 'close', s.id]);
});
