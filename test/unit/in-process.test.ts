/** server/transport/in-process.ts: the daemon's side of a client connection without a socket. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { inProcessPair } from '../../server/transport/in-process';

test('bytes flow both ways; the client ending is the end of the daemon\'s input', async () => {
  const { client, daemon } = inProcessPair();
  const toClient = once(client, 'data');
  daemon.output.write('to client');
  assert.equal(String((await toClient)[0]), 'to client');
  const toDaemon = once(daemon.input, 'data');
  client.write('to daemon');
  assert.equal(String((await toDaemon)[0]), 'to daemon');
  const ended = once(daemon.input, 'end');
  daemon.input.resume();
  client.destroy();
  await ended;
});

test('a client listener that throws loses its connection; the daemon\'s writer is untouched', async () => {
  const { client, daemon } = inProcessPair();
  let lost: Error | undefined;
  client.on('error', (error) => { lost = error; });
  client.on('data', () => { throw new Error('a client bug'); });
  const closed = new Promise((resolve) => client.once('close', resolve));
  assert.doesNotThrow(() => daemon.output.write('boom'));
  await closed;
  assert.equal(lost?.message, 'a client bug');
  assert.equal(client.destroyed, true);
  assert.doesNotThrow(() => daemon.output.write('after'));
});
