/** The one LSP frame codec (server/protocol/frame.ts): bodies come out whole however the bytes are split; a frame above the maximum is refused at its header and skipped. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, FrameDecoder, FramingError, type RefusedFrame } from '../../server/protocol/frame';

const raw = (head: string, body: string): Buffer => Buffer.from(`${head}\r\n\r\n${body}`);
const frame = (body: string): Buffer => raw(`Content-Length: ${Buffer.byteLength(body)}`, body);
const text = (out: Array<Uint8Array | RefusedFrame>): Array<string | RefusedFrame> =>
  out.map((f) => (f instanceof Uint8Array ? Buffer.from(f).toString() : f));

function decode(chunks: Uint8Array[], max = 100): Array<string | RefusedFrame> {
  const decoder = new FrameDecoder(max);
  return chunks.flatMap((c) => text(decoder.push(c)));
}

test('bodies come out whole, split at every byte', () => {
  const bodies = ['{"a":1}', '', '{"b":"é€😀"}'];
  const all = Buffer.concat(bodies.map(frame));
  for (let cut = 0; cut <= all.length; cut++) assert.deepEqual(decode([all.subarray(0, cut), all.subarray(cut)]), bodies, `cut at ${cut}`);
  assert.deepEqual(decode([...all].map((b) => Uint8Array.of(b))), bodies, 'byte by byte');
  assert.deepEqual(decode([all]), bodies, 'all in one chunk');
});

test('encodeFrame round-trips through the decoder', () => {
  const messages = [{ id: 1, result: 'é' }, { method: 'x', params: { n: [1, 2] } }];
  const decoder = new FrameDecoder();
  const out = decoder.push(Buffer.concat(messages.map((m) => encodeFrame(m))));
  assert.deepEqual(out.map((b) => JSON.parse(new TextDecoder().decode(b as Uint8Array))), messages);
});

test('other header fields and any case are fine; only the Content-Length line counts', () => {
  assert.deepEqual(decode([raw('Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 2', '{}')]), ['{}']);
  assert.throws(() => decode([raw('X-Content-Length: 2', '{}')]), /without Content-Length/);
});

test('a frame above the maximum is refused at its header and skipped whole; the frames around it come out', () => {
  const all = Buffer.concat([frame('{"a":1}'), frame('x'.repeat(50)), frame('{"b":2}')]);
  for (let cut = 0; cut <= all.length; cut++) {
    assert.deepEqual(decode([all.subarray(0, cut), all.subarray(cut)], 20), ['{"a":1}', { refused: 50 }, '{"b":2}'], `cut at ${cut}`);
  }
  // Told before any of the body came.
  assert.deepEqual(decode([Buffer.from('Content-Length: 1000000\r\n\r\n')], 20), [{ refused: 1000000 }]);
});

test('a header that never ends, or names no length, is not LSP framing', () => {
  assert.throws(() => decode([Buffer.alloc(9000, 0x41)]), (e) => e instanceof FramingError && /header longer than 8192 bytes/.test(e.message));
  const decoder = new FrameDecoder();
  for (let i = 0; i < 8; i++) decoder.push(Buffer.alloc(1000, 0x41));
  assert.throws(() => decoder.push(Buffer.alloc(1000, 0x41)), /header longer than 8192 bytes/, 'also when it comes in pieces');
  assert.throws(() => decode([Buffer.from('X-Foo: 1\r\n\r\n{}')]), /without Content-Length/);
});
