/**
 * Local security (docs/security.md): what a hostile session or another local
 * user could reach through the daemon's own surfaces — its environment, its
 * files and socket, its inputs. Each test is one class of issue 13 and fails
 * on the code before the fix.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import * as P from '../../server/protocol';
import { cliDb } from '../helpers/cli';
import { errorOf, openSession, startDaemon, tempDir } from '../helpers/daemon';
import { moduleSession, outsideDir } from '../helpers/modules';
import { startRawDaemon } from '../helpers/raw-client';
import { startFakeRegistry } from '../helpers/fake-registry';
import { MAX_FRAME_BYTES } from '../../server/protocol/frame';

const made: string[] = [];
const scratch = (prefix?: string): string => {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
};
after(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

const modeOf = (file: string): string => (statSync(file).mode & 0o777).toString(8);
const isRoot = process.getuid?.() === 0;
/** A uid that is not ours: files chowned to it stand for another local user's. */
const OTHER_UID = 65534;

test('class 5: an exec program finds no secret in its parent, the runtime host', async () => {
  const d = await startDaemon({ env: { VMS_TEST_SECRET: 'do-not-leak' } });
  try {
    const s = await moduleSession(d, { modules: ['exec'] });
    const env = String(await s.value(`require("exec").run("sh", ["-c", 'tr "\\\\0" "\\\\n" < /proc/$PPID/environ']).stdout`));
    assert.ok(!env.includes('do-not-leak'), env);
    const names = env.trim().split('\n').map((l) => l.split('=')[0]);
    assert.ok(names.includes('PATH'));
    // The documented list (docs/security.md, server/runtime/pool/host-env.ts), and Node's IPC channel, nothing else.
    for (const name of names) assert.ok(['PATH', 'TZ', 'LANG', 'LC_ALL'].includes(name) || name.startsWith('NODE_CHANNEL_'), `${name} reached the runtime host`);
  } finally {
    await d.stop();
  }
});

test('class 6: database, journal and lock are 0600 and a new folder 0700, whatever the umask', async () => {
  const dir = scratch();
  const dbPath = path.join(dir, 'nested', 'x.db');
  const umask = process.umask(0);
  let d;
  try {
    d = await startDaemon({ dbPath });
  } finally {
    process.umask(umask);
  }
  try {
    const { session } = await openSession(d);
    await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '"a secret typed at the REPL"' });
    assert.equal(modeOf(path.dirname(dbPath)), '700');
    for (const file of [dbPath, `${dbPath}.journal`, `${dbPath}.lock`]) assert.equal(modeOf(file), '600', file);
  } finally {
    await d.stop();
  }
  // Files an older version made with the umask's mode are made private at the next open.
  chmodSync(dbPath, 0o644);
  chmodSync(`${dbPath}.journal`, 0o666);
  const again = await startDaemon({ dbPath });
  try {
    // initialize is answered before the store opens; any other answer comes after it.
    await again.call(P.OpsHealth, {});
    for (const file of [dbPath, `${dbPath}.journal`]) assert.equal(modeOf(file), '600', file);
  } finally {
    await again.stop();
  }
  assert.equal(modeOf(dbPath), '600', 'the checkpoint at shutdown keeps the image private');
});

test('class 6: a socket that does not fit beside its database goes in a private per-user folder', async (t) => {
  const tmp = scratch();
  const long = path.join(scratch(), 'd'.repeat(100), 'cli.db');
  const d = cliDb({ VM_SYSTEM_DB: long, TMPDIR: tmp });
  t.after(() => d.stop());
  const started = await d.run(['daemon', 'start']);
  assert.equal(started.code, 0, started.stderr);
  const socket = /^socket\s+(\S+)$/m.exec(started.stdout)?.[1];
  const runDir = path.join(tmp, `vm-system-${process.getuid?.()}`);
  assert.equal(path.dirname(socket ?? ''), runDir, started.stdout);
  assert.equal(modeOf(runDir), '700');
  assert.ok(lstatSync(socket!).isSocket());
  assert.equal(modeOf(socket!), '600');
});

test('class 6: another user listening first is refused by the client and by the daemon', { skip: !isRoot && 'needs root to make files of another user' }, async (t) => {
  const tmp = scratch();
  const long = path.join(scratch(), 'd'.repeat(100), 'cli.db');
  // Another user made the folder first, open to all, and listens where the socket would be.
  const runDir = path.join(tmp, `vm-system-${process.getuid?.()}`);
  mkdirSync(runDir);
  chmodSync(runDir, 0o777);
  chownSync(runDir, OTHER_UID, OTHER_UID);
  const cli = cliDb({ VM_SYSTEM_DB: long, TMPDIR: tmp });
  const socketPath = P.socketPathFor(long, P.privateRunDir({}, tmp, process.getuid!()));
  assert.equal(path.dirname(socketPath), runDir);
  // The foreign folder is refused: no daemon starts there, and it says why.
  const started = await cli.run(['daemon', 'start']);
  assert.equal(started.code, 3, started.stdout);
  assert.match(started.stderr, /belongs to user 65534/);
  assert.equal(existsSync(socketPath), false);

  let heard = 0;
  const spy = net.createServer((c) => { heard++; c.destroy(); });
  const spyPath = socketPath;
  await new Promise<void>((resolve) => spy.listen(spyPath, resolve));
  t.after(() => spy.close());
  chownSync(spyPath, OTHER_UID, OTHER_UID);
  for (const args of [['ops', 'health'], ['exec', 'repl', 'some-session', '1 + 1']]) {
    const r = await cli.run(args);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /refusing .*belongs to user 65534/);
  }
  assert.equal(heard, 0, 'nothing was sent to the other user\'s listener');

  // A daemon started directly does not remove or reuse it either.
  const d = await startDaemon({ dbPath: long, extraArgs: ['--socket'], env: { TMPDIR: tmp }, initialize: false });
  assert.equal(await d.exited, 1);
  assert.match(d.stderr(), /belongs to user 65534/);
  assert.ok(lstatSync(spyPath).isSocket(), 'the other user\'s socket is left alone');
});

test('class 8: a dangling symlink given as the database path is refused, not replaced', async () => {
  const dir = scratch();
  const link = path.join(dir, 'link.db');
  const target = path.join(dir, 'missing', 'target.db');
  symlinkSync(target, link);
  const d = await startDaemon({ dbPath: link, initialize: false });
  const code = await d.exited;
  assert.equal(code, 1);
  assert.match(d.stderr(), /symbolic link to a file that does not exist/);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(existsSync(target), false);
});

test('class 7: a frame above the maximum is refused before it is buffered, and the connection goes on', { timeout: 60_000 }, async () => {
  const raw = startRawDaemon();
  try {
    const size = MAX_FRAME_BYTES + 6 * 1024 * 1024;
    raw.write(`Content-Length: ${size}\r\n\r\n`);
    // Answered at the header, before any of the body came.
    const refused = await raw.next() as { id: unknown; error: { code: number; message: string } };
    assert.equal(refused.id, null);
    assert.equal(refused.error.code, -32600);
    assert.match(refused.error.message, /exceeds the maximum frame size of 67108864 bytes/);
    for (let sent = 0; sent < size; sent += 1 << 20) raw.write(Buffer.alloc(Math.min(1 << 20, size - sent), 0x20));
    raw.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, clientInfo: { name: 'test' } } }));
    const init = await raw.next() as { id: unknown; result?: { serverInfo: { name: string } } };
    assert.equal(init.id, 1);
    assert.equal(init.result?.serverInfo.name, 'vm-system');
  } finally {
    await raw.stop();
  }
});

test('class 7: a prompt answer above the maximum counts as no answer', async () => {
  const d = await startDaemon({ initParams: { capabilities: { vmSystem: { prompt: true } } } });
  try {
    d.connection.onRequest(P.ExecutionsPrompt.type, (p) => ({ value: p.message === 'big' ? 'x'.repeat(P.MAX_PROMPT_ANSWER_CHARS + 1) : 'y'.repeat(P.MAX_PROMPT_ANSWER_CHARS) }));
    const { session } = await openSession(d);
    const r = await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '[prompt("big"), prompt("fits").length]' });
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.deepEqual(r.result?.json, [null, P.MAX_PROMPT_ANSWER_CHARS]);
  } finally {
    await d.stop();
  }
});

test('class 4: input with a lone surrogate is refused, so a replay can only run what ran', async () => {
  const d = await startDaemon();
  try {
    const { session } = await openSession(d, { 'f.js': '__ARGS__' });
    // Stored altered, the surrogate swallowed the quote after it: the replay ran code with the string closed elsewhere.
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['input', () => d.call(P.ExecutionsRepl, { sessionId: session.id, input: "'\uD800'; 1" })],
      ['input', () => d.call(P.ExecutionsRepl, { sessionId: session.id, input: 'x = "\uDC00"' })],
      ['args.a', () => d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'f.js', args: { a: 'ok', b: 'ok' }, env: {} }).then(() => d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'f.js', args: { a: 'x\uD83D' } }))],
      ['env.\uDFFF', () => d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'f.js', env: { '\uDFFF': 'v' } })],
    ];
    for (const [field, request] of cases) {
      const { code, error } = await errorOf(request());
      assert.equal(code, 'VALIDATION_ERROR', error.message);
      assert.equal(error.data?.details?.field, field);
    }
    // A well-formed pair (an emoji) is fine, and a replay runs exactly it.
    const ok = await d.call(P.ExecutionsRepl, { sessionId: session.id, input: "var s = '\uD83D\uDE00'; s.length" });
    assert.equal(ok.result?.preview, '2');
    const history = await d.call(P.ExecutionsList, { sessionId: session.id });
    assert.equal(history.executions.length, 2, 'only the runFile and the well-formed repl ran');
    await d.call(P.SessionsRestart, { sessionId: session.id, replay: true });
    assert.equal((await d.call(P.ExecutionsRepl, { sessionId: session.id, input: 's.codePointAt(0)' })).result?.preview, '128512');
  } finally {
    await d.stop();
  }
});

test('class 8: a tarball URL off the registry\'s origin is not fetched', async () => {
  let reached = 0;
  const elsewhere = http.createServer((_req, res) => { reached++; res.writeHead(404).end(); });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  const port = (elsewhere.address() as net.AddressInfo).port;
  const registry = await startFakeRegistry([{ name: 'dayjs', version: '1.11.13', files: { 'dayjs.min.js': 'this.dayjs = 1' }, tarballOrigin: `http://127.0.0.1:${port}` }]);
  const d = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url, VM_SYSTEM_LIBRARY_PINS: 'ignore' } });
  try {
    const { code, error } = await errorOf(d.call(P.LibrariesInstall, { names: ['dayjs'] }));
    assert.equal(code, 'LIBRARY_FETCH_FAILED');
    assert.match(error.message, /not on the registry's own origin/);
    assert.equal(reached, 0, 'the other service got no request');
  } finally {
    await d.stop();
    await registry.close();
    elsewhere.close();
  }
});

test('class 8: catalog versions are pinned by integrity; leftovers of an interrupted install are removed', async () => {
  // The registry's own metadata vouches for its (rebuilt) tarball: the catalog's pin still refuses it.
  const registry = await startFakeRegistry([{ name: 'dayjs', version: '1.11.13', files: { 'dayjs.min.js': 'this.dayjs = 1' } }]);
  const pinned = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url } });
  try {
    const { code, error } = await errorOf(pinned.call(P.LibrariesInstall, { names: ['dayjs'] }));
    assert.equal(code, 'LIBRARY_FETCH_FAILED');
    assert.match(error.message, /the catalog's pin for dayjs@1\.11\.13\): integrity check failed/);
    assert.equal((await pinned.call(P.LibrariesListAvailable, {})).libraries.find((l) => l.name === 'dayjs')?.cached, false);
  } finally {
    await pinned.stop();
  }
  const d = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url, VM_SYSTEM_LIBRARY_PINS: 'ignore' } });
  try {
    const libraries = path.join(path.dirname(d.dbPath), 'libraries');
    mkdirSync(path.join(libraries, 'dayjs@1.11.13.partial-killed', 'package'), { recursive: true });
    await d.call(P.LibrariesInstall, { names: ['dayjs'] });
    assert.deepEqual(readdirSync(libraries), ['dayjs@1.11.13']);
  } finally {
    await d.stop();
    await registry.close();
  }
});

test('class 9: fs refuses to write a file with more than one hard link', async () => {
  const outside = outsideDir();
  made.push(outside);
  writeFileSync(path.join(outside, 'victim.txt'), 'original');
  const d = await startDaemon();
  try {
    const s = await moduleSession(d, { modules: ['fs'], files: { 'own.txt': 'mine' } });
    linkSync(path.join(outside, 'victim.txt'), path.join(s.worktree, 'link.txt'));
    assert.match(await s.thrown("require('fs').writeFileSync('link.txt', 'pwned')"), /^Error: EMLINK: .*more than one hard link.*, open 'link.txt'$/);
    assert.equal(readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'original');
    await s.value("require('fs').writeFileSync('own.txt', 'still writable')");
    assert.equal(readFileSync(path.join(s.worktree, 'own.txt'), 'utf8'), 'still writable');
  } finally {
    await d.stop();
  }
});

/** Another process flipping `dir` in `worktree` between the real folder and `link` (a link to outside), as fast as it can. */
function flipFolder(worktree: string): ChildProcess {
  return spawn('python3', ['-c', `
import os, sys
os.chdir(sys.argv[1])
while True:
    try:
        os.rename('dir', 'dir-held'); os.rename('link', 'dir')
        os.rename('dir', 'link'); os.rename('dir-held', 'dir')
    except OSError:
        pass
`, worktree], { stdio: 'ignore' });
}

test('class 9: a folder swapped for a link to outside during fs calls never leads outside', { timeout: 120_000 }, async () => {
  const outside = outsideDir();
  made.push(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'outside secret');
  const d = await startDaemon();
  try {
    const s = await moduleSession(d, { modules: ['fs'], files: { 'dir/secret.txt': 'inside', 'dir/sub/x.txt': 'x' }, limits: { wallMs: 60_000, cpuMs: 60_000 } });
    symlinkSync(outside, path.join(s.worktree, 'link'));
    const flipping = flipFolder(s.worktree);
    try {
      const r = await s.value(`
        const fs = require('fs');
        let leaked = 0, listed = 0;
        // Bounded in time, not rounds: the flipper holds a core meanwhile, and other tests may be timing theirs.
        for (const end = Date.now() + 3000; Date.now() < end;) {
          try { if (fs.readFileSync('dir/secret.txt', 'utf8') === 'outside secret') leaked++ } catch {}
          try { fs.writeFileSync('dir/planted.txt', 'pwned') } catch {}
          try { fs.mkdirSync('dir/made') } catch {}
          try { if (fs.readdirSync('dir').includes('secret.txt') && !fs.readdirSync('dir').includes('sub')) listed++ } catch {}
        }
        [leaked, listed]`);
      assert.deepEqual(r, [0, 0], 'nothing outside was read or listed');
    } finally {
      flipping.kill();
    }
    assert.deepEqual(readdirSync(outside).sort(), ['secret.txt'], 'nothing was written outside');
  } finally {
    await d.stop();
  }
});

test('class 9: an ES-module bare specifier with .. says nothing about host files', async () => {
  const d = await startDaemon();
  try {
    const { session } = await openSession(d, { 'main.mjs': 'export default 1' });
    const messages: string[] = [];
    for (const target of ['etc/passwd', 'etc/no-such-file-here']) {
      const depth = '../'.repeat(30);
      const file = `probe-${messages.length}.mjs`;
      await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1' });
      writeFileSync(path.join((await d.call(P.SessionsGet, { sessionId: session.id })).worktreePath, file), `import x from 'pkg/${depth}${target}'; export default x`);
      const r = await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: file }).catch((e: Error) => ({ status: 'refused', error: { message: e.message } }));
      messages.push(`${r.status}: ${r.error?.message.replace(target, 'TARGET')}`);
    }
    assert.equal(messages[0], messages[1], 'an existing and a missing host file answer the same');
    assert.match(messages[0], /outside the worktree/);
  } finally {
    await d.stop();
  }
});

test('class 9: a folder swapped for a link to outside while a module graph loads never loads a file outside', { timeout: 120_000 }, async () => {
  const outside = outsideDir();
  made.push(outside);
  writeFileSync(path.join(outside, 'mod.mjs'), "export default 'outside'");
  const d = await startDaemon();
  try {
    const { session, worktree } = await openSession(d, { 'main.mjs': "import v from './dir/mod.mjs'; export default v", 'dir/mod.mjs': "export default 'inside'" });
    symlinkSync(outside, path.join(worktree, 'link'));
    const flipping = flipFolder(worktree);
    const seen = new Set<string>();
    try {
      for (const end = Date.now() + 3000; Date.now() < end;) {
        const r = await d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'main.mjs' }).then(
          (x) => `${x.status}: ${x.result?.preview ?? x.error?.message}`, (e: Error) => `refused: ${e.message}`);
        seen.add(r);
      }
    } finally {
      flipping.kill();
    }
    assert.ok(![...seen].some((v) => v.startsWith('ok: outside')), [...seen].join(' | '));
    // What session code is told names no host path, whichever moment the swap hit.
    assert.ok(![...seen].some((v) => v.includes(worktree) || v.includes(outside)), [...seen].join(' | '));
  } finally {
    await d.stop();
  }
});
