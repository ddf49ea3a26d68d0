/**
 * The native launcher (a daemon running: the daemon runs the command with the
 * CLI's own program) and the JavaScript CLI (`VM_SYSTEM_NO_NATIVE=1`: node
 * runs it) print the same bytes on stdout and stderr and exit with the same
 * code, for the same command lines: output, colours (FORCE_COLOR, and a real
 * terminal), `--json`, help, usage and protocol errors — on a database whose
 * socket path fits and on one so long that its socket lives elsewhere.
 * The native runs have a `node` on PATH that only fails: they must not need node.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeWorktree, ROOT, tempDir } from '../helpers/daemon';
import { runCli, type CliResult } from '../helpers/cli';
import { connectSocketClient } from '../helpers/socket-client';
import { spawnPty } from '../helpers/pty';
import { daemonSocketPath } from '../../server/protocol';
import { CliRun } from '../../server/protocol/cli-run';
import os from 'node:os';

const NATIVE = path.join(ROOT, 'dist/vm-system-fast');
const noNative = !existsSync(NATIVE) && 'no C compiler here: the native launcher was not built';
const BIN = path.join(ROOT, 'bin/vm-system');

const worktree = makeWorktree({
  'hello.js': 'console.log("hello ü 😀"); console.info("info"); console.debug("dbg"); ({ n: 1, s: "two", list: [1, 2n] })',
  'streams.js': 'console.warn("careful"); console.error("bad"); console.log("\\u0000nul and \\t tab"); "str"',
  'throws.js': 'let x = 1;\nthrow new RangeError("out of range");\n',
  'nothing.js': 'undefined',
  'display.js': 'display.table([{ a: 1 }]); display.html("<b>x</b>"); null',
});
const fakeNode = makeWorktree({ node: '#!/bin/sh\nexit 99\n' });
chmodSync(path.join(fakeNode, 'node'), 0o755);

interface Setup { name: string; env: Record<string, string> }

function setups(): Setup[] {
  const short = path.join(tempDir('vmsys-par-'), 'cli.db');
  // Longer than a socket path may be: the daemon's socket goes to the private run directory under a hashed name.
  const deep = path.join(tempDir('vmsys-par-'), 'a-rather-long-folder-name-for-a-database'.repeat(3));
  mkdirSync(deep, { recursive: true });
  const long = path.join(deep, 'cli.db');
  assert.notEqual(daemonSocketPath(long, process.env, os.tmpdir(), process.getuid?.() ?? 0, process.platform), `${long}.sock`);
  return [
    { name: 'socket beside the database', env: { VM_SYSTEM_DB: short, VM_SYSTEM_IDLE_MS: '60000' } },
    { name: 'long database path', env: { VM_SYSTEM_DB: long, VM_SYSTEM_IDLE_MS: '60000' } },
  ];
}

const both = async (args: string[], env: Record<string, string>, cwd = worktree): Promise<{ native: CliResult; js: CliResult }> => {
  const native = await runCli(args, { cwd, env: { ...env, PATH: `${fakeNode}:${process.env.PATH}` } });
  const js = await runCli(args, { cwd, env: { ...env, VM_SYSTEM_NO_NATIVE: '1' } });
  return { native, js };
};

const same = (r: { native: CliResult; js: CliResult }, what: string): void => {
  assert.deepEqual({ code: r.native.code, stdout: r.native.stdout, stderr: r.native.stderr }, { code: r.js.code, stdout: r.js.stdout, stderr: r.js.stderr }, what);
};

test('the native launcher and the JavaScript CLI print the same bytes and exit codes', { skip: noNative }, async () => {
  for (const setup of setups()) {
    const start = await runCli(['daemon', 'start'], { env: setup.env });
    assert.equal(start.code, 0, start.stderr);
    try {
      const session = JSON.parse((await runCli(['--json', 'session', 'create', '--template-id', 'default', '--worktree-path', worktree], { env: setup.env })).stdout) as { id: string };
      const colour = { FORCE_COLOR: '1' };
      const cases: Array<{ args: string[]; env?: Record<string, string>; code: number }> = [
        { args: ['run', 'hello.js'], code: 0 },
        { args: ['run', 'hello.js'], env: colour, code: 0 },
        { args: ['run', 'streams.js'], env: colour, code: 0 },
        { args: ['run', 'streams.js'], env: { FORCE_COLOR: '1', NO_COLOR: '1' }, code: 0 },
        { args: ['run', 'throws.js'], env: colour, code: 1 },
        { args: ['run', 'nothing.js'], code: 0 },
        { args: ['run', 'display.js'], code: 0 },
        { args: ['run', 'hello.js', '--args', '[1]'], code: 2 },
        { args: ['run', 'missing.js'], code: 2 },
        { args: ['run', 'hello.js', '--template', 'nope'], code: 2 },
        { args: ['run'], code: 2 },
        { args: ['nonsense'], code: 2 },
        { args: ['--help'], code: 0 },
        { args: ['run', '--help'], code: 0 },
        { args: ['--version'], code: 0 },
        { args: ['template', 'list'], code: 0 },
        { args: ['--json', 'template', 'list'], code: 0 },
        { args: ['template', 'list-available-modules'], env: colour, code: 0 },
        { args: ['session', 'get', session.id], env: colour, code: 0 },
        { args: ['session', 'get', 'not-a-uuid'], code: 2 },
        { args: ['exec', 'repl', session.id, 'console.warn("w"); [1, "x", null, /r/g]'], env: colour, code: 0 },
        { args: ['exec', 'repl', session.id, 'throw new TypeError("t")'], code: 1 },
        { args: ['exec', 'repl', '00000000-0000-4000-8000-000000000000', '1'], code: 2 },
        { args: ['--db', setup.env.VM_SYSTEM_DB, 'exec', 'list', session.id, '--limit', '0'], code: 2 },
      ];
      for (const c of cases) {
        const r = await both(c.args, { ...setup.env, ...c.env });
        same(r, `${setup.name}: vm-system ${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}`);
        assert.equal(r.native.code, c.code, `${c.args.join(' ')}: ${r.native.stderr}`);
      }
      // --json: the same document but for what differs between any two runs.
      const volatile = (text: string): unknown => {
        const e = JSON.parse(text) as Record<string, unknown>;
        return { ...e, id: 0, sessionId: 0, startedAt: 0, endedAt: 0, metrics: 0, events: (e.events as Array<Record<string, unknown>>).map((ev) => ({ ...ev, executionId: 0, ts: 0 })) };
      };
      const json = await both(['--json', 'run', 'hello.js'], setup.env);
      assert.deepEqual([json.native.code, json.native.stderr], [json.js.code, json.js.stderr]);
      assert.deepEqual(volatile(json.native.stdout), volatile(json.js.stdout));
    } finally {
      await runCli(['daemon', 'stop'], { env: setup.env });
    }
  }
});

test('on a terminal: the same colours and the terminal\'s width for help', { skip: noNative }, async () => {
  const [setup] = setups();
  assert.equal((await runCli(['daemon', 'start'], { env: setup.env })).code, 0);
  try {
    for (const args of [['run', 'streams.js'], ['run', 'throws.js'], ['template', '--help']]) {
      const show = async (env: Record<string, string>): Promise<[string, number | null]> => {
        const pty = spawnPty(BIN, args, { cwd: worktree, env: { ...process.env, ...setup.env, TERM: 'xterm', ...env } });
        const code = await pty.exited;
        return [pty.raw(), code];
      };
      const native = await show({ PATH: `${fakeNode}:${process.env.PATH}` });
      const js = await show({ VM_SYSTEM_NO_NATIVE: '1' });
      assert.deepEqual(native, js, args.join(' '));
      if (args[0] === 'run') assert.match(native[0], /\u001b\[3\dm/, 'colours on a terminal');
    }
  } finally {
    await runCli(['daemon', 'stop'], { env: setup.env });
  }
});

test('cli/run validates its params; commands that need their own process are handed back', async () => {
  const [setup] = setups();
  assert.equal((await runCli(['daemon', 'start'], { env: setup.env })).code, 0);
  const socket = daemonSocketPath(setup.env.VM_SYSTEM_DB, process.env, os.tmpdir(), process.getuid?.() ?? 0, process.platform);
  const client = await connectSocketClient(socket);
  try {
    const facts = { isTTY: false };
    const base = { cwd: worktree, env: { ...setup.env }, stdout: facts, stderr: facts };
    for (const bad of [{ ...base, cwd: 'relative' }, { ...base, argv: 'run x.js' }, { ...base, argv: [], extra: 1 }, { argv: [] }]) {
      await assert.rejects(client.call(CliRun, bad as never), (e: { data?: { code?: string } }) => e.data?.code === 'VALIDATION_ERROR', JSON.stringify(bad));
    }
    for (const argv of [['repl'], ['rpc'], ['watch', 'hello.js'], ['daemon', 'status'], ['serve'], ['exec', 'repl', '00000000-0000-4000-8000-000000000000', '-'], ['--db', path.join(tempDir(), 'other.db'), 'template', 'list']]) {
      const result = await client.call(CliRun, { ...base, argv });
      assert.ok('runLocally' in result, `${argv.join(' ')}: ${JSON.stringify(result)}`);
    }
    // `attached`: whether the command used the daemon (a launcher that started the daemon for it stops it when not).
    assert.deepEqual(await client.call(CliRun, { ...base, argv: ['--version'] }), { exitCode: 0, attached: false });
    assert.deepEqual(await client.call(CliRun, { ...base, argv: ['template', 'list'] }), { exitCode: 0, attached: true });
  } finally {
    client.close();
    await runCli(['daemon', 'stop'], { env: setup.env });
  }
});
