/**
 * require('exec') against the spawned daemon: results, no shell (shell
 * metacharacters stay literal), cwd and environment, a missing command,
 * timeoutMs, the output cap, and the child killed when the execution's
 * wallMs passes, when the execution is cancelled and when the session closes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { startDaemon, type TestDaemon } from '../helpers/daemon';
import { moduleSession, type ModuleSession } from '../helpers/modules';
import { processGone, waitUntil } from '../helpers/processes';

let d: TestDaemon;
let s: ModuleSession;

before(async () => {
  // A secret in the daemon's environment must not reach programs run by sessions.
  d = await startDaemon({ env: { VMS_TEST_SECRET: 'do-not-leak' } });
  s = await moduleSession(d, { modules: ['exec'], files: { 'a.txt': 'A', 'b.txt': 'B' } });
});
after(async () => { await d.stop(); });

/**
 * Starts a long `sleep` that records its pid in the worktree; returns the pid
 * and the request as a settled outcome (a cancelled request rejects).
 */
async function startSleeper(m: ModuleSession) {
  const pending = m.run('require("exec").run("sh", ["-c", "echo $$ > sleeper.pid; exec sleep 30"])')
    .then((execution) => ({ execution, error: undefined }), (error: unknown) => ({ execution: undefined, error }));
  const pidFile = path.join(m.worktree, 'sleeper.pid');
  await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 5000, 'the sleeper to start');
  return { pending, pid: Number(readFileSync(pidFile, 'utf8')) };
}

test('run: exit code, stdout, stderr; cwd is the worktree', async () => {
  assert.deepEqual(await s.value('require("exec").run("echo", ["hello", "world"])'),
    { code: 0, signal: null, stdout: 'hello world\n', stderr: '', timedOut: false, truncated: false });
  assert.deepEqual(await s.value('const r = require("exec").run("sh", ["-c", "echo out; echo err >&2; exit 3"]); [r.code, r.stdout, r.stderr]'), [3, 'out\n', 'err\n']);
  assert.equal(await s.value('require("exec").run("ls").stdout'), 'a.txt\nb.txt\n');
  assert.equal(await s.value('require("exec").run("cat", ["a.txt"]).stdout'), 'A');
});

test('the environment holds PATH only', async () => {
  const env = String(await s.value('require("exec").run("env").stdout'));
  assert.deepEqual(env.trim().split('\n').map((l) => l.split('=')[0]), ['PATH']);
  assert.ok(!env.includes('do-not-leak'));
});

test('no shell: metacharacters reach the program literally', async () => {
  const args = ['$(whoami); rm -rf /', '`id`', 'a | b', '*', '&& touch pwned', '> redirected', '$HOME', "'quoted'"];
  assert.equal(await s.value(`require("exec").run("echo", ${JSON.stringify(args)}).stdout`), `${args.join(' ')}\n`);
  assert.equal(await s.value('require("exec").run("printf", ["%s|", "; touch pwned2", "x\\ny"]).stdout'), '; touch pwned2|x\ny|');
  // a whole command line is a (missing) program name, not something to parse
  assert.equal(await s.thrown('require("exec").run("echo hi; touch pwned3")'), "Error: ENOENT: no such file or directory, spawn 'echo hi; touch pwned3'");
  for (const f of ['pwned', 'pwned2', 'pwned3', 'redirected']) assert.ok(!existsSync(path.join(s.worktree, f)), f);
});

test('errors: missing command, bad arguments, unsupported options', async () => {
  assert.equal(await s.thrown('require("exec").run("no-such-command-vms")'), "Error: ENOENT: no such file or directory, spawn 'no-such-command-vms'");
  assert.equal(await s.thrown('require("exec").run("a.txt")'), "Error: ENOENT: no such file or directory, spawn 'a.txt'");
  assert.equal(await s.thrown('require("exec").run("./a.txt")'), "Error: EACCES: permission denied, spawn './a.txt'");
  assert.equal(await s.thrown('require("exec").run("echo", "hi")'), 'TypeError: The "args" argument must be an array of strings');
  assert.equal(await s.thrown('require("exec").run("echo", [1])'), 'TypeError: The "args[0]" argument must be of type string. Received number');
  assert.equal(await s.thrown('require("exec").run("echo", [], { shell: true })'), "TypeError: exec.run: unsupported option 'shell' (supported: timeoutMs)");
  assert.equal(await s.thrown('require("exec").run("echo", [], { timeoutMs: -1 })'), 'RangeError: The "timeoutMs" option must be a positive number. Received -1');
});

test('timeoutMs kills the command and reports it', async () => {
  const started = Date.now();
  const r = await s.value('require("exec").run("sh", ["-c", "echo before; exec sleep 30"], { timeoutMs: 500 })') as Record<string, unknown>;
  assert.deepEqual(r, { code: null, signal: 'SIGKILL', stdout: 'before\n', stderr: '', timedOut: true, truncated: false });
  assert.ok(Date.now() - started < 5000);
});

test('the output is capped at the execution\'s maxOutputKb and the command killed', async () => {
  const small = await moduleSession(d, { modules: ['exec'], limits: { maxOutputKb: 1 } });
  assert.deepEqual(await small.value('const r = require("exec").run("yes"); [r.stdout.length, r.truncated, r.signal]'), [1024, true, 'SIGKILL']);
});

test('what the command leaves running in its process group is killed when it exits', async () => {
  const r = await s.value('require("exec").run("sh", ["-c", "sleep 30 & echo $!"])') as { stdout: string; code: number };
  assert.equal(r.code, 0);
  const pid = Number(r.stdout);
  await waitUntil(() => processGone(pid), 5000, `background sleep ${pid} to be killed`);
});

test('the execution\'s wallMs ends a long command and kills it', async () => {
  const m = await moduleSession(d, { modules: ['exec'], limits: { wallMs: 1000 } });
  const { pending, pid } = await startSleeper(m);
  const r = (await pending).execution!;
  assert.equal(r.status, 'timeout');
  assert.ok(r.metrics.wallMs < 5000, `wallMs ${r.metrics.wallMs}`);
  await waitUntil(() => processGone(pid), 5000, `sleep ${pid} to be killed`);
  assert.equal(await m.value('"session still usable"'), 'session still usable');
});

test('executions/cancel ends a long command and kills it', async () => {
  const m = await moduleSession(d, { modules: ['exec'] });
  const { pending, pid } = await startSleeper(m);
  const executionId = d.events.find((e) => e.sessionId === m.session.id)!.executionId;
  assert.equal((await d.call(P.ExecutionsCancel, { executionId })).status, 'cancelled');
  assert.match(String((await pending).error), /cancelled/);
  await waitUntil(() => processGone(pid), 5000, `sleep ${pid} to be killed`);
});

test('closing the session kills a running command', async () => {
  const m = await moduleSession(d, { modules: ['exec'] });
  const { pending, pid } = await startSleeper(m);
  await d.call(P.SessionsClose, { sessionId: m.session.id });
  assert.match(String((await pending).error), /cancelled/);
  await waitUntil(() => processGone(pid), 5000, `sleep ${pid} to be killed`);
});
