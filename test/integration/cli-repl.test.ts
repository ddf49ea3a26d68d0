/** `vm-system repl`: piped stdin, and a person at a terminal (under a pseudo-terminal). */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { makeWorktree } from '../helpers/daemon';
import { BIN, cliDb, type CliDb } from '../helpers/cli';
import { spawnPty } from '../helpers/pty';

let d: CliDb;
before(() => { d = cliDb(); });
after(() => d.stop());

const readySessions = async (): Promise<string[]> =>
  (await d.json<{ sessions: Array<{ id: string }> }>(['session', 'list', '--status', 'ready'])).sessions.map((s) => s.id);

test('piped stdin: line by line, unfinished statements joined, results printed', async () => {
  const input = [
    'var x = 1',
    'function double(n) {',
    '  return n * 2',
    '}',
    '',
    'double(x + 20)',
    'console.log("hello from", "the repl")',
    'const o = {',
    '  a: 1,',
    '}',
    'o.a + 1',
  ].join('\n');
  const r = await d.run(['repl'], { input, cwd: makeWorktree() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '42\nhello from the repl\n2\n');
  assert.deepEqual(await readySessions(), [], 'the session made for the REPL is closed at the end');
});

test('piped stdin: a failing input is reported and the rest still runs; exit 1', async () => {
  const r = await d.run(['repl'], { input: 'throw new Error("boom")\n1 + 1\n' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '2\n');
  assert.match(r.stderr, /^Error: boom$/m);
});

test('piped stdin with --session keeps the session and its state; --json prints executions', async () => {
  const s = await d.json<{ id: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', makeWorktree()]);
  assert.equal((await d.run(['repl', '--session', s.id], { input: 'var kept = 41\n' })).code, 0);
  const r = await d.run(['--json', 'repl', '--session', s.id], { input: 'kept + 1\n.exit\nkept + 2\n' });
  assert.equal(r.code, 0, r.stderr);
  const executions = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; result: { preview: string } });
  assert.deepEqual(executions.map((e) => e.result.preview), ['42'], '.exit stops reading');
  assert.ok((await readySessions()).includes(s.id), 'a session given with --session stays open');
  const missing = await d.run(['repl', '--session', '00000000-0000-4000-8000-000000000000'], { input: '1\n' });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /SESSION_NOT_FOUND/);
  assert.equal((await d.run(['repl', '--session', s.id, '--template', 'default'])).code, 2, '--session and --template conflict');
  await d.run(['session', 'close', s.id]);
  const closed = await d.run(['repl', '--session', s.id], { input: '1\n' });
  assert.equal(closed.code, 2);
  assert.match(closed.stderr, /SESSION_NOT_READY/);
});

test('terminal: prompt, multi-line input, Tab completion, Ctrl-C cancels, history, Ctrl-D leaves', async () => {
  const env = { ...process.env, ...d.env, NO_COLOR: '1', TERM: 'xterm' };
  const cwd = makeWorktree();
  const p = spawnPty(BIN, ['repl'], { env, cwd });
  await p.waitFor(/vm-system repl — new session [0-9a-f-]{36}[^\n]*\n[^\n]*\n> $/);

  let from = p.text().length;
  p.write('var uniqueName = 1\r');
  await p.waitFor(/undefined\n> $/, { from });

  from = p.text().length;
  p.write('function add(a, b) {\r');
  await p.waitFor(/\.\.\. $/, { from });
  p.write('  return a + b\r');
  await p.waitFor(/\.\.\. $/, { from: from + 20 });
  p.write('}\r');
  await p.waitFor(/\n> $/, { from });
  from = p.text().length;
  p.write('add(40, 2)\r');
  await p.waitFor(/42\n> $/, { from });

  from = p.text().length;
  p.write('uniqueN\t');
  // the preview of the completed name (1) may already stand on the row below
  await p.waitFor(/uniqueName(\n1)?$/, { from });
  p.write('\r');
  await p.waitFor(/1\n> $/, { from });

  from = p.text().length;
  p.write('await new Promise((resolve) => setTimeout(resolve, 20000))\r');
  await p.waitFor(/setTimeout\(resolve, 20000\)\)\n/, { from });
  p.write('\x03');
  await p.waitFor(/cancel[^\n]*\n(.*\n)*> $/, { from });

  from = p.text().length;
  p.write('half typed\x03');
  await p.waitFor(/\n> $/, { from });
  p.write('.help\r');
  await p.waitFor(/\.exit\s+leave/, { from });

  p.write('\x04');
  assert.equal(await p.exited, 0);
  assert.deepEqual(await readySessions(), [], 'the REPL closed its session');

  const history = `${d.db}.repl_history`;
  assert.ok(existsSync(history));
  assert.match(readFileSync(history, 'utf8'), /^add\(40, 2\)$/m);

  // A second REPL recalls the history with the Up arrow: the newest entry is `.help`.
  const again = spawnPty(BIN, ['repl'], { env, cwd });
  await again.waitFor(/> $/);
  from = again.text().length;
  again.write('\u001b[A');
  await again.waitFor(/> \.help$/, { from });
  again.write('\r');
  await again.waitFor(/\.exit\s+leave/, { from });
  again.write('.exit\r');
  assert.equal(await again.exited, 0);
});

test('terminal: colours on a TTY, none with NO_COLOR', async () => {
  const run = async (extra: Record<string, string>): Promise<string> => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...d.env, TERM: 'xterm', ...extra };
    if (!('NO_COLOR' in extra)) delete env.NO_COLOR;
    const p = spawnPty(BIN, ['repl'], { env });
    await p.waitFor(/> $/);
    const from = p.text().length;
    p.write('6 * 7\r');
    await p.waitFor(/42\n> $/, { from });
    p.write('.exit\r');
    assert.equal(await p.exited, 0);
    return p.raw();
  };
  assert.match(await run({}), /\u001b\[33m42\u001b\[39m/, 'a number is yellow on a terminal');
  assert.doesNotMatch(await run({ NO_COLOR: '1' }), /\u001b\[3\dm/, 'NO_COLOR: no colours');
});
