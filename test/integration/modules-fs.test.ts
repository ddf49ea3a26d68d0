/**
 * require('fs') against the spawned daemon: each function on real files,
 * Node-shaped errors, the read-only capability, and escapes out of the
 * worktree (`..`, absolute paths, symlinked files and directories, dangling
 * links) refused with INVALID_PATH without touching the outside.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon';
import { moduleSession, outsideDir, type ModuleSession } from '../helpers/modules';

let d: TestDaemon;
let s: ModuleSession;
let outside: string;

before(async () => {
  d = await startDaemon();
  outside = outsideDir();
  writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
  s = await moduleSession(d, { modules: ['fs'], files: { 'a.txt': 'hello', 'dir/b.txt': 'bee', 'dir/c.txt': 'sea' } });
  symlinkSync(path.join(outside, 'secret.txt'), path.join(s.worktree, 'link-file'));
  symlinkSync(outside, path.join(s.worktree, 'link-dir'));
  symlinkSync(path.join(outside, 'planted.txt'), path.join(s.worktree, 'dangling'));
  symlinkSync('dir/b.txt', path.join(s.worktree, 'inner-link'));
});
after(async () => { await d.stop(); });

test('readFileSync: text with an encoding, bytes without', async () => {
  assert.equal(await s.value('require("fs").readFileSync("a.txt", "utf8")'), 'hello');
  assert.equal(await s.value('require("fs").readFileSync("a.txt", { encoding: "base64" })'), 'aGVsbG8=');
  assert.equal(await s.value('const b = require("fs").readFileSync("a.txt"); b instanceof Uint8Array && b.length === 5 && b.join()'), '104,101,108,108,111');
  // absolute paths inside the worktree, `..` that stays inside, and links that stay inside are fine
  assert.equal(await s.value(`require("fs").readFileSync(${JSON.stringify(path.join(s.worktree, 'dir/b.txt'))}, "utf8")`), 'bee');
  assert.equal(await s.value('require("fs").readFileSync("dir/../dir/c.txt", "utf8")'), 'sea');
  assert.equal(await s.value('require("fs").readFileSync("inner-link", "utf8")'), 'bee');
});

test('writeFileSync: strings and bytes, read back on disk', async () => {
  await s.value('require("fs").writeFileSync("out.txt", "written")');
  assert.equal(readFileSync(path.join(s.worktree, 'out.txt'), 'utf8'), 'written');
  await s.value('require("fs").writeFileSync("dir/bytes.bin", new Uint8Array([0, 1, 255]))');
  assert.deepEqual([...readFileSync(path.join(s.worktree, 'dir/bytes.bin'))], [0, 1, 255]);
  await s.value('require("fs").writeFileSync("out.txt", "replaced")');
  assert.equal(readFileSync(path.join(s.worktree, 'out.txt'), 'utf8'), 'replaced');
});

test('existsSync, readdirSync (sorted names), mkdirSync', async () => {
  assert.deepEqual(await s.value('[require("fs").existsSync("a.txt"), require("fs").existsSync("nope"), require("fs").existsSync("dir")]'), [true, false, true]);
  await s.value('require("fs").mkdirSync("made")');
  await s.value('require("fs").mkdirSync("deep/er/est", { recursive: true })');
  assert.ok(existsSync(path.join(s.worktree, 'made')));
  assert.ok(existsSync(path.join(s.worktree, 'deep/er/est')));
  await s.value('require("fs").writeFileSync("dir/a.txt", "")');
  assert.deepEqual(await s.value('require("fs").readdirSync("dir")'), ['a.txt', 'b.txt', 'bytes.bin', 'c.txt']);
});

test('errors read like Node\'s and name the path as written', async () => {
  const cases: Array<[string, string]> = [
    ['require("fs").readFileSync("nope.txt")', "Error: ENOENT: no such file or directory, open 'nope.txt'"],
    ['require("fs").readFileSync("dir")', 'Error: EISDIR: illegal operation on a directory, read'],
    ['require("fs").readdirSync("nope")', "Error: ENOENT: no such file or directory, scandir 'nope'"],
    ['require("fs").mkdirSync("dir")', "Error: EEXIST: file already exists, mkdir 'dir'"],
    ['require("fs").mkdirSync("x/y/z")', "Error: ENOENT: no such file or directory, mkdir 'x/y/z'"],
    ['require("fs").writeFileSync("missing/dir/f.txt", "x")', "Error: ENOENT: no such file or directory, open 'missing/dir/f.txt'"],
    ['require("fs").readFileSync(42)', 'TypeError: The "path" argument must be of type string. Received number'],
    ['require("fs").writeFileSync("f.txt", 42)', 'TypeError: The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received number'],
    ['require("fs").readFileSync("a.txt", "klingon")', "TypeError: The argument 'encoding' is invalid encoding. Received 'klingon'"],
  ];
  for (const [input, expected] of cases) assert.equal(await s.thrown(input), expected, input);
  // the code leads the message, so session code can branch on it
  assert.equal(await s.value('try { require("fs").readFileSync("nope.txt") } catch (e) { e.message.split(":")[0] }'), 'ENOENT');
  assert.equal(await s.value('try { require("fs").readFileSync("nope.txt") } catch (e) { e.code }'), 'ENOENT');
  assert.equal(await s.value('try { require("fs").readFileSync("../x") } catch (e) { e.code }'), 'INVALID_PATH');
});

test('reads and writes are capped at 16 MB per call', async () => {
  writeFileSync(path.join(s.worktree, 'big.bin'), '');
  truncateSync(path.join(s.worktree, 'big.bin'), 16 * 1024 * 1024 + 1);
  assert.match(await s.thrown('require("fs").readFileSync("big.bin")'), /^Error: EFBIG: file too large .*, read 'big.bin'$/);
  assert.match(await s.thrown('require("fs").writeFileSync("w.bin", new Uint8Array(16 * 1024 * 1024 + 1))'), /^Error: EFBIG: data too large .*, write 'w.bin'$/);
  assert.ok(!existsSync(path.join(s.worktree, 'w.bin')));
});

test('escapes are refused with INVALID_PATH and leave the outside untouched', async () => {
  const secret = JSON.stringify(path.join(outside, 'secret.txt'));
  const attempts = [
    'require("fs").readFileSync("../outside.txt")',
    'require("fs").readFileSync("dir/../../x")',
    'require("fs").readFileSync("/etc/passwd")',
    `require("fs").readFileSync(${secret})`,
    'require("fs").readFileSync("link-file")',
    'require("fs").readFileSync("link-dir/secret.txt")',
    'require("fs").readdirSync("link-dir")',
    'require("fs").readdirSync("..")',
    'require("fs").existsSync("link-dir/secret.txt")',
    `require("fs").existsSync(${secret})`,
    'require("fs").writeFileSync("link-file", "overwritten")',
    'require("fs").writeFileSync("link-dir/new.txt", "x")',
    'require("fs").writeFileSync("dangling", "x")',
    `require("fs").writeFileSync(${JSON.stringify(path.join(outside, 'abs.txt'))}, "x")`,
    'require("fs").mkdirSync("link-dir/sub")',
    'require("fs").mkdirSync("link-dir/a/b", { recursive: true })',
    'require("fs").mkdirSync("../escaped")',
  ];
  for (const input of attempts) {
    assert.match(await s.thrown(input), /^Error: INVALID_PATH: '.+' resolves outside the worktree$/, input);
  }
  assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'top secret');
  for (const made of ['new.txt', 'planted.txt', 'abs.txt', 'sub', 'a']) assert.ok(!existsSync(path.join(outside, made)), made);
  assert.ok(!existsSync(path.join(path.dirname(s.worktree), 'escaped')));
});

test('a link loop is an error, not a hang', async () => {
  symlinkSync('loop-b', path.join(s.worktree, 'loop-a'));
  symlinkSync('loop-a', path.join(s.worktree, 'loop-b'));
  assert.equal(await s.thrown('require("fs").writeFileSync("loop-a", "x")'), "Error: ELOOP: too many symbolic links encountered, open 'loop-a'");
});

test('a read-only fs capability refuses writes and keeps reads', async () => {
  const ro = await moduleSession(d, { modules: ['fs'], readOnly: true, files: { 'keep.txt': 'original' } });
  assert.equal(await ro.value('require("fs").readFileSync("keep.txt", "utf8")'), 'original');
  assert.deepEqual(await ro.value('require("fs").readdirSync(".")'), ['keep.txt']);
  assert.equal(await ro.thrown('require("fs").writeFileSync("keep.txt", "changed")'),
    "Error: EROFS: read-only file system, open 'keep.txt' (the template's fs capability is readOnly)");
  assert.equal(await ro.thrown('require("fs").mkdirSync("newdir")'),
    "Error: EROFS: read-only file system, mkdir 'newdir' (the template's fs capability is readOnly)");
  // escapes are still INVALID_PATH, not EROFS
  assert.match(await ro.thrown('require("fs").writeFileSync("../x", "")'), /^Error: INVALID_PATH/);
  assert.equal(readFileSync(path.join(ro.worktree, 'keep.txt'), 'utf8'), 'original');
  assert.ok(!existsSync(path.join(ro.worktree, 'newdir')));
});

test('a worktree reached through a symlink works with either absolute spelling', async () => {
  const real = outsideDir();
  writeFileSync(path.join(real, 'f.txt'), 'via link');
  const linked = path.join(outsideDir(), 'wt-link');
  symlinkSync(real, linked);
  mkdirSync(path.join(real, 'sub'));
  const ln = await moduleSession(d, { modules: ['fs'], worktree: linked });
  assert.equal(await ln.value('require("fs").readFileSync("f.txt", "utf8")'), 'via link');
  assert.equal(await ln.value(`require("fs").readFileSync(${JSON.stringify(path.join(linked, 'f.txt'))}, "utf8")`), 'via link');
  assert.equal(await ln.value(`require("fs").readFileSync(${JSON.stringify(path.join(real, 'f.txt'))}, "utf8")`), 'via link');
  assert.deepEqual(await ln.value('require("fs").readdirSync(".")'), ['f.txt', 'sub']);
});
