/**
 * A daemon socket that answers with bad frames: the CLI's raw clients (the
 * `exec repl` path and `vm-system rpc`) end the command with a message and
 * exit code 3, never an uncaught exception. The socket server here is not a
 * stand-in for the daemon; it is hostile input on the daemon's socket.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { socketPathOf } from '../../cli/daemon/paths';
import { encodeFrame, FrameDecoder } from '../../server/protocol/frame';
import { CLI, tempDir } from '../helpers/daemon';

const SESSION = '00000000-0000-4000-8000-000000000001';
const servers: net.Server[] = [];
after(() => { for (const s of servers) s.close(); });

/** Listens on the socket of a fresh database: `initialize` gets a proper answer, any other request `reply`'s bytes. */
async function hostileDaemon(reply: string | Buffer): Promise<string> {
  const db = path.join(tempDir('vmsys-bad-'), 'x.db');
  const server = net.createServer((socket) => {
    const frames = new FrameDecoder();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const body of frames.push(chunk)) {
        const message = JSON.parse(Buffer.from(body as Uint8Array).toString()) as { id?: number; method: string };
        if (message.id === undefined) continue;
        if (message.method === 'initialize') socket.write(encodeFrame({ jsonrpc: '2.0', id: message.id, result: { serverInfo: { name: 'vm-system', version: '0' }, capabilities: {} } }));
        else socket.write(reply);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPathOf(db), resolve));
  return db;
}

function cli(args: string[], input = ''): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const BAD: Array<[string, string]> = [
  ['a body that is JSON but not an object', frame('null')],
  ['a body that is not JSON', frame('{"jsonrpc": "2.0", "id": 2,')],
  ['an event notification without its event', frame('{"jsonrpc":"2.0","method":"executions/event","params":{}}')],
  ['a frame above the maximum size', 'Content-Length: 999999999999\r\n\r\n'],
  ['a header without Content-Length', 'Content-Type: text/plain\r\n\r\nhello'],
];

for (const [what, bytes] of BAD) {
  test(`exec repl: ${what} ends the command with exit code 3 and a message`, async () => {
    const db = await hostileDaemon(bytes);
    const r = await cli(['--db', db, 'exec', 'repl', SESSION, '1 + 1']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^vm-system: .*daemon/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('rpc: a body that is not a JSON object ends the bridge with exit code 3 and says why', async () => {
  const db = await hostileDaemon(frame('null'));
  const r = await cli(['--db', db, 'rpc'], '{"method": "ops/health"}\n');
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /vm-system: a message from the daemon is not a JSON object/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
