/** `vm-system watch FILE`: a header and the output of each run, re-run on change, until Ctrl-C. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeWorktree } from '../helpers/daemon';
import { cliDb, spawnCli, type CliDb } from '../helpers/cli';

let d: CliDb;
before(() => { d = cliDb(); });
after(() => d.stop());

const HEADER = /── \d\d:\d\d:\d\d\.\d{3} {2}(\w+) {2}[\d.]+ m?s ── (\S+)\n/;

const readySessions = async (): Promise<string[]> =>
  (await d.json<{ sessions: Array<{ id: string }> }>(['session', 'list', '--status', 'ready'])).sessions.map((s) => s.id);

test('runs the file, re-runs it on every save, stops on Ctrl-C and closes its session', async () => {
  const cwd = makeWorktree({ 'calc.js': 'console.log("version 1"); 1 + 1' });
  const watch = spawnCli(['watch', 'calc.js'], { cwd, env: d.env });
  const first = await watch.waitFor(new RegExp(`${HEADER.source}version 1\\n2\\n`));
  assert.deepEqual([first[1], first[2]], ['ok', 'calc.js']);

  let from = watch.stdout().length;
  writeFileSync(path.join(cwd, 'calc.js'), 'console.log("version 2"); 40 + 2');
  await watch.waitFor(new RegExp(`${HEADER.source}version 2\\n42\\n`), { from });

  from = watch.stdout().length;
  writeFileSync(path.join(cwd, 'calc.js'), 'throw new TypeError("broken")');
  const failed = await watch.waitFor(HEADER, { from });
  assert.equal(failed[1], 'error');
  await watch.waitFor(/TypeError: broken/, { stream: 'stderr' });

  assert.equal((await readySessions()).length, 1, 'the watch has a live session');
  watch.proc.kill('SIGINT');
  assert.equal(await watch.exited, 0);
  assert.deepEqual(await readySessions(), [], 'Ctrl-C stopped the watch and closed its session');
});

test('--session watches in an existing session (state shared); --json prints each run as a line', async () => {
  const cwd = makeWorktree({ 'show.js': 'counter = (typeof counter === "number" ? counter : 0) + 1' });
  const s = await d.json<{ id: string }>(['session', 'create', '--template-id', 'default', '--worktree-path', cwd]);
  const watch = spawnCli(['--json', 'watch', 'show.js', '--session', s.id], { cwd, env: d.env });
  await watch.waitFor(/"watchId":/);
  writeFileSync(path.join(cwd, 'show.js'), 'counter = (typeof counter === "number" ? counter : 0) + 10');
  await watch.waitFor(/\n.*"watchId":.*\n/);
  watch.proc.kill('SIGINT');
  assert.equal(await watch.exited, 0);
  const runs = watch.stdout().trim().split('\n').map((l) => JSON.parse(l) as { watchId: string; execution: { status: string; result: { preview: string } }; events: unknown[] });
  assert.deepEqual(runs.map((r) => r.execution.result.preview), ['1', '11'], 'both runs shared the session state');
  assert.ok(runs.every((r) => r.execution.status === 'ok' && r.events.length > 0));
  assert.ok((await readySessions()).includes(s.id), 'a session given with --session stays open');
  const list = await d.run(['rpc'], { input: '{"method": "watch/list", "params": {}}\n' });
  assert.deepEqual(JSON.parse(list.stdout).result, { watches: [] }, 'Ctrl-C stopped the watch');
  await d.run(['session', 'close', s.id]);
});

test('a missing file is a protocol error', async () => {
  const r = await d.run(['watch', 'nope.js'], { cwd: makeWorktree() });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /FILE_NOT_FOUND/);
  assert.deepEqual(await readySessions(), []);
});
