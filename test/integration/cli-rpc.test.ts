/** `vm-system rpc`: NDJSON in, JSON lines out. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeWorktree } from '../helpers/daemon';
import { cliDb, spawnCli, type CliDb } from '../helpers/cli';

let d: CliDb;
before(() => { d = cliDb(); });
after(() => d.stop());

type Line = { jsonrpc: string; id?: number | string | null; method?: string; result?: Record<string, unknown>; error?: { code: number; data: { code: string } }; params?: Record<string, unknown> };
const lines = (stdout: string): Line[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

test('ids assigned, initialize sent for you, parse errors reported and piping goes on', async () => {
  const input = [
    '{"method": "templates/list", "params": {"name": "default"}}',
    'this is not json',
    '{"jsonrpc": "2.0", "id": "mine", "method": "ops/health"}',
    '{"method": "no/such/method"}',
    '{"method": "initialized", "params": {}}',
    '',
  ].join('\n');
  const r = await d.run(['rpc'], { input });
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 4, 'one line per response and per unparsable line; none for notifications or the automatic initialize');
  for (const l of out) assert.equal(l.jsonrpc, '2.0');
  const parse = out.find((l) => l.error?.data.code === 'PARSE_ERROR');
  assert.equal(parse?.id, null);
  assert.equal(parse?.error?.code, -32700);
  const list = out.find((l) => l.id === 1);
  assert.equal((list?.result?.templates as Array<{ name: string }>)[0].name, 'default');
  assert.equal(out.find((l) => l.id === 'mine')?.result?.status, 'ok');
  assert.equal(out.find((l) => l.id === 2)?.error?.data.code, 'METHOD_NOT_FOUND');
});

test('an explicit initialize first is sent as is and answered', async () => {
  const r = await d.run(['rpc'], { input: '{"id": 7, "method": "initialize", "params": {"clientInfo": {"name": "me"}}}\n{"method": "ops/health"}\n' });
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 2);
  assert.equal((out[0].result?.serverInfo as { name: string }).name, 'vm-system');
  assert.equal(out[0].id, 7);
  assert.equal(out[1].id, 1);
});

test('server notifications are lines; end of input waits for outstanding responses', async () => {
  const worktree = makeWorktree();
  const { templates } = await d.json<{ templates: Array<{ id: string }> }>(['template', 'list']);
  const session = await d.json<{ id: string }>(['session', 'create', '--template-id', templates[0].id, '--worktree-path', worktree]);
  const input = `${JSON.stringify({ method: 'executions/repl', params: { sessionId: session.id, input: 'console.log("tick"); await new Promise((r) => setTimeout(r, 300)); 6 * 7' } })}\n`;
  const r = await d.run(['rpc'], { input });
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const events = out.filter((l) => l.method === 'executions/event');
  assert.ok(events.some((e) => (e.params?.event as { type: string }).type === 'console'), r.stdout);
  const response = out.at(-1)!;
  assert.equal(response.id, 1);
  assert.equal((response.result?.result as { preview: string }).preview, '42');
  await d.run(['session', 'close', session.id]);
});

test('lines typed one by one get their answers as they come', async () => {
  const live = spawnCli(['rpc'], { env: d.env });
  live.proc.stdin.write('{"method": "ops/health"}\n');
  await live.waitFor(/"id":1,"result":\{"status":"ok"/);
  live.proc.stdin.write('{"id": 1000, "method": "templates/list"}\n{"method": "templates/list"}\n');
  await live.waitFor(/"id":2,/);
  live.proc.stdin.end();
  assert.equal(await live.exited, 0);
  assert.match(live.stdout(), /"id":1000,"result"/);
});
