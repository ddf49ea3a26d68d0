/** FrameLimiter: frames pass unchanged however the bytes are split; a frame above the maximum is skipped, whole. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameLimiter } from '../../server/transport/frame-limit';

const frame = (body: string): Buffer => Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

async function through(chunks: Buffer[], max: number): Promise<{ out: string; refused: string[]; error?: string }> {
  const refused: string[] = [];
  const limiter = new FrameLimiter((m) => refused.push(m), max);
  const out: Buffer[] = [];
  limiter.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<string | undefined>((resolve) => { limiter.on('end', () => resolve(undefined)); limiter.on('error', (e) => resolve(e.message)); });
  for (const c of chunks) limiter.write(c);
  limiter.end();
  const error = await done;
  return { out: Buffer.concat(out).toString(), refused, ...(error && { error }) };
}

test('frames pass unchanged, split at every byte', async () => {
  const all = Buffer.concat([frame('{"a":1}'), frame(''), frame('{"b":"é"}')]);
  for (let cut = 0; cut <= all.length; cut++) {
    const r = await through([all.subarray(0, cut), all.subarray(cut)], 100);
    assert.equal(r.out, all.toString(), `cut at ${cut}`);
    assert.deepEqual(r.refused, []);
  }
  const bytes = [...all].map((b) => Buffer.from([b]));
  assert.equal((await through(bytes, 100)).out, all.toString());
});

test('a frame above the maximum is skipped whole; the frames around it pass', async () => {
  const big = frame('x'.repeat(50));
  const all = Buffer.concat([frame('{"a":1}'), big, frame('{"b":2}')]);
  for (let cut = 0; cut <= all.length; cut += 7) {
    const r = await through([all.subarray(0, cut), all.subarray(cut)], 20);
    assert.equal(r.out, frame('{"a":1}').toString() + frame('{"b":2}').toString(), `cut at ${cut}`);
    assert.equal(r.refused.length, 1);
    assert.match(r.refused[0], /a frame of 50 bytes exceeds the maximum frame size of 20 bytes/);
  }
});

test('a header that never ends, or names no length, ends the stream', async () => {
  assert.match((await through([Buffer.alloc(9000, 0x41)], 100)).error ?? '', /header longer than 8192 bytes/);
  assert.match((await through([Buffer.from('X-Foo: 1\r\n\r\n{}')], 100)).error ?? '', /without Content-Length/);
});
