/** `vm-system session …` and `vm-system exec …` on the shared daemon. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeWorktree, ROOT } from '../helpers/daemon';
import { cliDb, spawnCli, type CliDb } from '../helpers/cli';
import { waitUntil } from '../helpers/processes';

interface Session { id: string; status: string; worktreePath: string; workspaceId: string; baseCommitOid: string; templateId: string }
interface Execution { id: string; status: string; kind: string; result?: { preview: string }; events: Array<{ seq: number; type: string }> }

let d: CliDb;
let worktree: string;
before(() => {
  d = cliDb();
  worktree = makeWorktree({
    'sum.js': 'console.log("summing"); __ARGS__.a + __ARGS__.b',
    'bad.js': 'let x = 1;\nthrow new RangeError("out of range");\n',
  });
});
after(() => d.stop());

const newSession = (): Promise<Session> => d.json<Session>(['session', 'create', '--template-id', 'default', '--worktree-path', worktree]);

test('session create, list, get, close, restart', async () => {
  const s = await newSession();
  assert.equal(s.status, 'ready');
  assert.equal(s.worktreePath, worktree);
  const relative = await d.json<Session>(['session', 'create', '--template-id', 'default', '--worktree-path', '.', '--workspace-id', 'ws', '--base-commit', 'abc123'], { cwd: worktree });
  assert.equal(relative.worktreePath, worktree, 'a relative worktree path is taken from the current directory');
  assert.deepEqual([relative.workspaceId, relative.baseCommitOid], ['ws', 'abc123']);

  const human = await d.run(['session', 'get', s.id]);
  assert.match(human.stdout, new RegExp(`^id\\s+${s.id}\\n`));
  assert.match(human.stdout, /^status\s+ready$/m);
  assert.match(human.stdout, /^worktree\s+\S+$/m);

  const ready = await d.json<{ sessions: Session[] }>(['session', 'list', '--status', 'ready']);
  assert.ok(ready.sessions.some((x) => x.id === s.id));
  assert.match((await d.run(['session', 'list'])).stdout, /^ID\s+STATUS\s+WORKSPACE\s+WORKTREE\s+CREATED$/m);

  assert.equal((await d.json<Session>(['session', 'close', s.id])).status, 'closed');
  assert.equal((await d.json<Session>(['session', 'close', s.id])).status, 'closed', 'idempotent');
  assert.ok(!(await d.json<{ sessions: Session[] }>(['session', 'list', '--status', 'ready'])).sessions.some((x) => x.id === s.id));
  const restarted = await d.json<Session>(['session', 'restart', s.id]);
  assert.deepEqual([restarted.id, restarted.status], [s.id, 'ready']);
  assert.equal((await d.json<Session>(['session', 'restart', s.id, '--replay'])).status, 'ready');
  await d.run(['session', 'close', s.id]);
  await d.run(['session', 'close', relative.id]);

  const badStatus = await d.run(['session', 'list', '--status', 'sleepy']);
  assert.equal(badStatus.code, 2);
  const missingDir = await d.run(['session', 'create', '--template-id', 'default', '--worktree-path', `${worktree}/nope`]);
  assert.equal(missingDir.code, 2);
  assert.match(missingDir.stderr, /VALIDATION_ERROR/);
  const unknown = await d.run(['session', 'get', '00000000-0000-4000-8000-000000000000']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^vm-system: SESSION_NOT_FOUND: /);
});

test('exec repl keeps state, prints console output and the value, exit 1 on an exception', async (t) => {
  const s = await newSession();
  t.after(() => d.run(['session', 'close', s.id]));
  const set = await d.run(['exec', 'repl', s.id, 'var n = 20; console.log("set"); undefined']);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, 'set\n');
  assert.equal((await d.run(['exec', 'repl', s.id, 'n * 2 + 2'])).stdout, '42\n');
  const fromStdin = await d.run(['exec', 'repl', s.id, '-'], { input: 'n + 1' });
  assert.equal(fromStdin.stdout, '21\n');
  const thrown = await d.run(['exec', 'repl', s.id, 'console.warn("careful"); throw new TypeError("nope")']);
  assert.equal(thrown.code, 1);
  assert.match(thrown.stderr, /^careful\nTypeError: nope\n/);
  const json = await d.json<Execution>(['exec', 'repl', s.id, '[1, 2, 3]']);
  assert.equal(json.status, 'ok');
  assert.equal(json.result?.preview, '[ 1, 2, 3 ]');
  assert.deepEqual(json.events.map((e) => e.type), ['input_echo', 'value']);
  const unknown = await d.run(['exec', 'repl', '00000000-0000-4000-8000-000000000000', '1']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^vm-system: SESSION_NOT_FOUND: /);
});

test('exec run-file with --args; list, get, events', async (t) => {
  const s = await newSession();
  t.after(() => d.run(['session', 'close', s.id]));
  const ran = await d.run(['exec', 'run-file', s.id, 'sum.js', '--args', '{"a": 2, "b": 3}']);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, 'summing\n5\n');
  const bad = await d.run(['exec', 'run-file', s.id, 'bad.js']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^RangeError: out of range\n {4}at bad\.js:2:7\n/m);
  const missing = await d.run(['exec', 'run-file', s.id, 'missing.js']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /FILE_NOT_FOUND/);
  assert.equal((await d.run(['exec', 'run-file', s.id, 'sum.js', '--args', 'nope'])).code, 2);

  const { executions } = await d.json<{ executions: Execution[] }>(['exec', 'list', s.id]);
  assert.deepEqual(executions.map((e) => e.status), ['error', 'ok'], 'newest first; the missing file never ran');
  assert.equal((await d.json<{ executions: Execution[] }>(['exec', 'list', s.id, '--limit', '1'])).executions.length, 1);
  const table = await d.run(['exec', 'list', s.id]);
  assert.match(table.stdout, /^ID\s+KIND\s+STATUS\s+STARTED\s+WALL\s+INPUT$/m);
  assert.match(table.stdout, /run_file\s+ok\s+.*sum\.js$/m);

  const okId = executions[1].id;
  assert.equal((await d.json<Execution>(['exec', 'get', okId])).status, 'ok');
  const detail = await d.run(['exec', 'get', okId]);
  assert.match(detail.stdout, /^status\s+ok$/m);
  assert.match(detail.stdout, /^result\s+5 \(number\)$/m);
  const { events } = await d.json<{ events: Array<{ seq: number; type: string }> }>(['exec', 'events', okId]);
  assert.deepEqual(events.map((e) => e.type), ['input_echo', 'console', 'value']);
  const later = await d.json<{ events: Array<{ seq: number }> }>(['exec', 'events', okId, '--after-seq', '1']);
  assert.deepEqual(later.events.map((e) => e.seq), [2, 3]);
  assert.match((await d.run(['exec', 'events', okId])).stdout, /^SEQ\s+TIME\s+TYPE\s+PAYLOAD\n1\s.*input_echo\s+sum\.js \{"a":2,"b":3\}\n2\s.*console\s+log summing\n3\s.*value\s+5 \(number\)\n$/);
  const unknown = await d.run(['exec', 'get', '00000000-0000-4000-8000-000000000000']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /EXECUTION_NOT_FOUND/);
});

test('exec cancel stops a running execution; Ctrl-C on exec repl cancels it too', async (t) => {
  const s = await newSession();
  t.after(() => d.run(['session', 'close', s.id]));
  const slow = 'await new Promise((resolve) => setTimeout(resolve, 20000))';
  const running = spawnCli(['exec', 'repl', s.id, slow], { env: d.env });
  let executionId = '';
  await waitUntil(async () => {
    const { executions } = await d.json<{ executions: Execution[] }>(['exec', 'list', s.id, '--limit', '1']);
    executionId = executions[0]?.status === 'running' ? executions[0].id : '';
    return executionId !== '';
  }, 15000, 'the execution to run');
  const cancelled = await d.json<Execution>(['exec', 'cancel', executionId]);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(await running.exited, 1, 'the cancelled command exits 1');

  const interrupted = spawnCli(['exec', 'repl', s.id, slow], { env: d.env });
  await waitUntil(async () => {
    const { executions } = await d.json<{ executions: Execution[] }>(['exec', 'list', s.id, '--limit', '1']);
    return executions[0]?.status === 'running' && executions[0].id !== executionId;
  }, 15000, 'the second execution to run');
  interrupted.proc.kill('SIGINT');
  assert.equal(await interrupted.exited, 1);
  assert.match(interrupted.stderr(), /REQUEST_CANCELLED/);
  const { executions } = await d.json<{ executions: Execution[] }>(['exec', 'list', s.id, '--limit', '1']);
  assert.equal(executions[0].status, 'cancelled');
});

test('an output limit exits 1 and names the code; --json still prints the partial execution', async (t) => {
  const { id: templateId } = await d.json<{ id: string }>(['template', 'create', '--name', 'chatty']);
  await d.json(['template', 'set-limits', templateId, '--max-events', '5']);
  const s = await d.json<Session>(['session', 'create', '--template-id', templateId, '--worktree-path', worktree]);
  t.after(() => d.run(['session', 'close', s.id]));
  const loud = 'for (let i = 0; i < 100; i++) console.log("line " + i)';
  const human = await d.run(['exec', 'repl', s.id, loud]);
  assert.equal(human.code, 1);
  assert.match(human.stderr, /OUTPUT_LIMIT_EXCEEDED/);
  assert.match(human.stdout, /^line 0\n/);
  const json = await d.run(['--json', 'exec', 'repl', s.id, loud]);
  assert.equal(json.code, 1);
  const partial = JSON.parse(json.stdout) as Execution;
  assert.equal(partial.status, 'limit_exceeded');
  assert.ok(partial.events.length > 0);
});

const NATIVE = path.join(ROOT, 'dist/vm-system-fast');
const noNative = !existsSync(NATIVE) && 'no C compiler here: the native exec client was not built';

test('exec repl through the native client prints exactly what the JavaScript CLI prints', { skip: noNative }, async () => {
  const s = await newSession();
  const inputs = [
    '1+1', 'console.log("a\\tb ü 😀 \\u0001"); console.warn("w"); console.error("e"); console.debug("d"); console.info("i"); "str"',
    'null', 'undefined', '[1, "two", { three: 3 }, [4n]]', 'throw new TypeError(\'bad "x"\')', 'Symbol("s")', '/re/g', 'no_such_name',
    'var y = 41', 'y + 1', '"multi\\nline"',
    'display.html("<b>ü</b>"); display.table([{ a: 1 }]); display({ n: [1, 2] }); display.svg("<svg/>")',
  ];
  for (const code of inputs) {
    const native = await d.run(['exec', 'repl', s.id, code]);
    const js = await d.run(['exec', 'repl', s.id, code], { env: { VM_SYSTEM_NO_NATIVE: '1' } });
    assert.deepEqual({ code: native.code, stdout: native.stdout, stderr: native.stderr }, { code: js.code, stdout: js.stdout, stderr: js.stderr }, code);
  }
  for (const args of [['exec', 'repl', '00000000-0000-4000-8000-000000000000', '1'], ['exec', 'repl', 'not-a-uuid', '1']]) {
    const native = await d.run(args);
    const js = await d.run(args, { env: { VM_SYSTEM_NO_NATIVE: '1' } });
    assert.equal(native.code, 2);
    assert.deepEqual([native.code, native.stdout, native.stderr], [js.code, js.stdout, js.stderr]);
  }
  const volatile = (e: Record<string, unknown>) => ({ ...e, id: 0, startedAt: 0, endedAt: 0, metrics: 0, events: (e.events as Array<Record<string, unknown>>).map((ev) => ({ ...ev, executionId: 0, ts: 0 })) });
  const nativeJson = JSON.parse((await d.run(['--json', 'exec', 'repl', s.id, '({ a: [1, "ü"] })'])).stdout);
  const jsJson = JSON.parse((await d.run(['--json', 'exec', 'repl', s.id, '({ a: [1, "ü"] })'], { env: { VM_SYSTEM_NO_NATIVE: '1' } })).stdout);
  assert.deepEqual(volatile(nativeJson), volatile(jsJson));
});

test('client commands on a running daemon never start node when the native client exists', { skip: noNative }, async () => {
  const s = await newSession();
  // A `node` first on PATH that only fails: only the native client (and the daemon it asks) can answer.
  const fakeBin = makeWorktree({ node: '#!/bin/sh\nexit 99\n' });
  chmodSync(path.join(fakeBin, 'node'), 0o755);
  const env = { PATH: `${fakeBin}:${process.env.PATH}` };
  const r = await d.run(['exec', 'repl', s.id, '6 * 7'], { env });
  assert.deepEqual([r.code, r.stdout], [0, '42\n']);
  const other = await d.run(['session', 'get', s.id], { env });
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stdout, new RegExp(`^id\\s+${s.id}\\n`));
  const local = await d.run(['exec', 'repl', s.id, '-'], { env, input: '1' });
  assert.equal(local.code, 99, 'a command that reads stdin runs with node (the fake one here)');
});
