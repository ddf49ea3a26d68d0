import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeWorktree } from '../helpers/daemon';
import { spawn } from 'node:child_process';
import { BIN, runCli } from '../helpers/cli';

test('vm-system run examples/hello.js prints its output', async () => {
  const r = await runCli(['run', 'examples/hello.js']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Hello, vm-system!/);
  assert.match(r.stdout, /isolate has process\? false/);
  assert.match(r.stdout, /squares: \[ 1, 4, 9 \]/);
  assert.match(r.stdout, /\{ squares: \[ 1, 4, 9 \], total: 14 \}/);
});

test('console streams split by level; undefined value not printed', async () => {
  const cwd = makeWorktree({ 'a.js': 'console.log("out"); console.info("info"); console.debug("dbg"); console.warn("warn"); console.error("err");' });
  const r = await runCli(['run', 'a.js'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'out\ninfo\ndbg\n');
  assert.equal(r.stderr, 'warn\nerr\n');
});

test('an exception prints Name: message and the location, exit 1', async () => {
  const cwd = makeWorktree({ 'bad.js': 'let x = 1;\nthrow new TypeError("nope");\n' });
  const r = await runCli(['run', 'bad.js'], { cwd });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^TypeError: nope\n {4}at bad\.js:2:7\n/m);
});

test('--args reaches the file; --json prints the execution', async () => {
  const cwd = makeWorktree({ 'args.js': '__ARGS__.a + __ARGS__.b' });
  const r = await runCli(['run', 'args.js', '--args', '{"a": 2, "b": 3}', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const execution = JSON.parse(r.stdout);
  assert.equal(execution.result.preview, '5');
  assert.equal(execution.status, 'ok');
});

test('usage and protocol errors exit 2 and name the code', async () => {
  const cwd = makeWorktree();
  const missing = await runCli(['run', 'missing.js'], { cwd });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /FILE_NOT_FOUND/);
  const outside = await runCli(['run', '../x.js'], { cwd });
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /INVALID_PATH/);
  assert.equal((await runCli(['run'], { cwd })).code, 2);
  assert.equal((await runCli(['run', 'x.js', '--args', '[1]'], { cwd })).code, 2);
  assert.equal((await runCli(['--help'])).code, 0);
});

test('a timeout exits 1', async () => {
  const cwd = makeWorktree({ 'spin.js': 'while (true) {}' });
  const db = makeWorktree();
  // A template with a short wall limit, made through the daemon the run will use.
  const { startDaemon } = await import('../helpers/daemon');
  const P = await import('../../server/protocol');
  const d = await startDaemon({ dbPath: `${db}/cli.db` });
  const t = await d.call(P.TemplatesCreate, { name: 'short' });
  await d.call(P.TemplatesUpdateSettings, { templateId: t.id, limits: { wallMs: 200, cpuMs: 200 } });
  await d.stop();
  const r = await runCli(['run', 'spin.js', '--template', 'short'], { cwd, env: { VM_SYSTEM_DB: `${db}/cli.db` } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /time|limit/i);
});

test('Ctrl-C cancels the run (exit 1) and leaves no session behind; the daemon it started stays for the next run', async () => {
  const { cliDb, spawnCli } = await import('../helpers/cli');
  const d = cliDb();
  const cwd = makeWorktree({ 'slow.js': 'console.log("started"); setTimeout(() => console.log("never"), 20000);' });
  // The first run starts the daemon (node CLI); the second finds it running (the native launcher where built).
  for (const round of ['no daemon yet', 'daemon running']) {
    const run = spawnCli(['run', 'slow.js'], { cwd, env: d.env });
    await run.waitFor(/started\n/);
    run.proc.kill('SIGINT');
    assert.equal(await run.exited, 1, round);
    assert.match(run.stderr(), /REQUEST_CANCELLED/, round);
    assert.doesNotMatch(run.stdout(), /never/, round);
    assert.equal((await d.run(['daemon', 'status'])).code, 0, `${round}: the background daemon stays`);
  }
  const { sessions } = await d.json<{ sessions: Array<{ status: string }> }>(['session', 'list']);
  assert.deepEqual(sessions.map((s) => s.status), ['closed', 'closed']);
  await d.stop();
});

test('--template takes a name or an id; an unknown template exits 2', async () => {
  const cwd = makeWorktree({ 'one.js': '1' });
  const r = await runCli(['run', 'one.js', '--template', 'nope'], { cwd });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /TEMPLATE_NOT_FOUND/);
  const { cliDb } = await import('../helpers/cli');
  const d = cliDb();
  const t = await d.json<{ id: string }>(['template', 'create', '--name', 'mine']);
  const byId = await d.run(['run', 'one.js', '--template', t.id], { cwd });
  await d.stop();
  assert.equal(byId.code, 0, byId.stderr);
  assert.equal(byId.stdout, '1\n');
});

test('a reader that goes away early (`| head -1`) ends the command quietly, no EPIPE stack trace', async () => {
  const { cliDb } = await import('../helpers/cli');
  const db = cliDb();
  const wt = makeWorktree({ 'many.js': 'for (let i = 0; i < 2000; i++) console.log("line " + i + " " + "x".repeat(200))' });
  const child = spawn(BIN, ['run', 'many.js'], {
    cwd: wt, env: { ...process.env, NO_COLOR: '1', ...db.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout.once('data', () => child.stdout.destroy()); // like `head -1`: read a little, then close the pipe
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  await db.stop(); // the background daemon the run started
  assert.doesNotMatch(stderr, /EPIPE|Unhandled 'error' event|at /, stderr);
  assert.equal(code, 0, stderr);
});

test('a run whose command is killed (SIGTERM) closes its session, through node and through the native launcher alike', async () => {
  const { cliDb, spawnCli } = await import('../helpers/cli');
  const { waitUntil } = await import('../helpers/processes');
  const d = cliDb();
  const cwd = makeWorktree({ 'slow.js': 'console.log("started"); setTimeout(() => console.log("never"), 20000);' });
  assert.equal((await d.run(['daemon', 'start'])).code, 0);
  try {
    for (const env of [{ VM_SYSTEM_NO_NATIVE: '1' }, {}] as Array<Record<string, string>>) {
      const run = spawnCli(['run', 'slow.js'], { cwd, env: { ...d.env, ...env } });
      await run.waitFor(/started\n/);
      run.proc.kill('SIGTERM');
      await run.exited;
      await waitUntil(async () => {
        const { sessions } = await d.json<{ sessions: Array<{ status: string }> }>(['session', 'list']);
        return sessions.every((s) => s.status === 'closed');
      }, 10000, `the session of the killed run to close (${JSON.stringify(env)})`);
    }
  } finally {
    await d.stop();
  }
});

test('a first run starts the background daemon (from the native launcher where built); a run that never gets to use it leaves none', async () => {
  const { cliDb } = await import('../helpers/cli');
  const cwd = makeWorktree({ 'one.js': 'console.log(1)' });
  // Usage errors and help: the same answer through node and through the launcher, and no daemon afterwards either way.
  for (const args of [['run'], ['run', 'one.js', '--args', '[1]'], ['run', 'one.js', '--bogus'], ['run', '--help']]) {
    const d = cliDb();
    const launcher = await d.run(args, { cwd });
    assert.equal((await d.run(['daemon', 'status'])).code, 3, `${args.join(' ')}: no daemon left`);
    const node = await d.run(args, { cwd, env: { VM_SYSTEM_NO_NATIVE: '1' } });
    assert.deepEqual(launcher, node, args.join(' '));
    assert.equal((await d.run(['daemon', 'status'])).code, 3, `${args.join(' ')} (node): no daemon left`);
  }
  const d = cliDb();
  const first = await d.run(['run', 'one.js'], { cwd });
  assert.deepEqual(first, { code: 0, stdout: '1\n', stderr: '' });
  assert.equal((await d.run(['daemon', 'status'])).code, 0, 'the daemon the first run started stays');
  assert.deepEqual(await d.run(['run', 'one.js'], { cwd }), first);
  await d.stop();
});
