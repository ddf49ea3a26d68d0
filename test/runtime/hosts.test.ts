/**
 * Runtime-host processes: packing sessions, a host dying (killed, memory
 * ceiling, daemon gone), startup failures, libraries, summary, shutdown.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { RuntimeStartError } from '../../server/core/ports';
import { TestRuntime, closing, settings, sleep, tempWorktree } from './helpers';

const runtimes: TestRuntime[] = [];
function runtime(options: ConstructorParameters<typeof TestRuntime>[0] = {}): TestRuntime {
  const rt = new TestRuntime(options);
  runtimes.push(rt);
  return rt;
}
after(async () => {
  for (const rt of runtimes) await rt.close();
});

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('host pool', () => {
  test('sessions are packed into hosts, with one warm spare', async () => {
    const rt = runtime({ sessionsPerHost: 3 });
    const sessions = [];
    for (let i = 0; i < 4; i++) sessions.push(await rt.session());
    const summary = await rt.rt.summary();
    const sizes = summary.hosts.map((h) => h.sessionIds.length).sort();
    assert.deepEqual(sizes, [0, 1, 3]);
    assert.equal(summary.sessions.length, 4);
    for (const h of summary.hosts) assert.ok(h.rssMb > 0);
    for (const st of summary.sessions) assert.ok(st.heapUsedMb > 0 && st.cpuMs >= 0);
  });

  test('a killed host costs only its own sessions', async () => {
    const rt = runtime({ sessionsPerHost: 2 });
    const a = await rt.session();
    const b = await rt.session();
    const other = await rt.session();
    await other.value('var safe = 1');
    const summary = await rt.rt.summary();
    const victim = summary.hosts.find((h) => h.sessionIds.includes(a.id))!;
    assert.ok(victim.sessionIds.includes(b.id));
    assert.ok(!victim.sessionIds.includes(other.id));
    let looping!: () => void;
    const started = new Promise<void>((resolve) => { looping = resolve; });
    const running = a.run('console.log("looping"); for (;;) {}', { limits: { wallMs: 5000, cpuMs: 5000 }, onEvent: () => looping() });
    await started;
    process.kill(victim.pid, 'SIGKILL');
    const r = await running;
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.sessionCrashed!, /SIGKILL/);
    assert.equal(closing(r).type, 'exception');
    await until(() => rt.lost.some((l) => l.sessionId === b.id));
    assert.ok(!rt.lost.some((l) => l.sessionId === a.id), 'a running session reports through its outcome');
    assert.ok(!rt.lost.some((l) => l.sessionId === other.id));
    assert.equal(await other.value('safe + 1'), '2');
    assert.ok((await a.run('1')).outcome.sessionCrashed);
    const fresh = await rt.session();
    assert.equal(await fresh.value('"new host"'), 'new host');
  });

  test('a host over the memory ceiling is killed', async () => {
    const rt = runtime({ hostMemoryCeilingMb: 120 });
    const s = await rt.session({ settings: settings({ memMb: 512, wallMs: 5000 }) });
    const r = await s.run('const big = []; for (let i = 0; i < 400; i++) big.push(new Array(1e5).fill(i)); big.length', { limits: { wallMs: 5000, cpuMs: 5000 } });
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.sessionCrashed!, /memory ceiling/);
  });

  test('hosts exit when the daemon disappears', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/daemon-like.ts'), tempWorktree()], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids: number[] = await new Promise((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]));
      });
      child.on('exit', () => reject(new Error('fixture exited early')));
    });
    assert.ok(pids.length >= 1 && pids.every(alive));
    child.kill('SIGKILL');
    await until(() => pids.every((pid) => !alive(pid)), 3000);
  });
});

describe('startup', () => {
  const libs = tempWorktree({
    'umd.js': '(function (root, factory) { root.tinylib = factory(); })(this, function () { return { hello: (n) => "hello " + n }; });',
    'throws.js': 'throw new Error("library exploded");',
    'nothing.js': 'var local = 1;',
  });

  test('libraries are evaluated at start and define their global', async () => {
    const rt = runtime();
    const s = await rt.session({ libraries: [{ name: 'tinylib', version: '1.0.0', global: 'tinylib', file: path.join(libs, 'umd.js') }] });
    assert.equal(await s.value('tinylib.hello("lib")'), 'hello lib');
  });

  test('later sessions of a library set (from a heap snapshot where the engine restores them faithfully) see the library as the first did', async () => {
    const rt = runtime();
    const file = path.join(libs, 'under.js');
    // What the library saw while it loaded: a fresh session hardens the isolate first (isolate/harden.ts), so must a snapshot.
    writeFileSync(file, '(function (root) { root._ = { hello: function (n) { return "v1 " + n; }, sawWasm: typeof WebAssembly, sawSab: typeof SharedArrayBuffer, resizable: new ArrayBuffer(8, { maxByteLength: 16 }).resizable === true }; })(this);');
    const lib = [{ name: 'under', version: '1.0.0', global: '_', file }];
    assert.equal(await (await rt.session({ libraries: lib })).value('_.hello("a")'), 'v1 a');
    await sleep(300); // the snapshot is built on a later turn of the host's event loop
    for (let i = 0; i < 2; i++) {
      const s = await rt.session({ libraries: lib });
      // `_` is the library's, as after a library assigned it: REPL values do not replace it.
      assert.equal(await s.value('1 + 1'), '2');
      assert.equal(await s.value('_.hello("b")'), 'v1 b');
      assert.equal(await s.value('typeof globalThis.tinylib'), 'undefined');
      assert.equal(await s.value('[_.sawWasm, _.sawSab, _.resizable, typeof WebAssembly, typeof ArrayBuffer.prototype.resize, new ArrayBuffer(8, { maxByteLength: 16 }).resizable === true].join()'),
        'undefined,undefined,false,undefined,undefined,false');
      assert.equal(await s.value('new Uint8Array(new ArrayBuffer(4)).length + (new ArrayBuffer(2) instanceof ArrayBuffer ? 1 : 0)'), '5');
    }
  });

  for (const [file, pattern, code] of [
    ['throws.js', /library exploded/, 'STARTUP_FAILED'],
    ['nothing.js', /did not define the global/, 'STARTUP_FAILED'],
    ['missing.js', /not in the local cache/, 'LIBRARY_NOT_CACHED'],
  ] as const) {
    test(`a failing library (${file}) rejects createSession with RuntimeStartError ${code} and leaves nothing`, async () => {
      const rt = runtime();
      const spec = { name: 'bad', version: '0.0.1', global: 'bad', file: path.join(libs, file) };
      await assert.rejects(rt.session({ libraries: [spec] }), (err: unknown) => {
        assert.ok(err instanceof RuntimeStartError);
        assert.equal(err.code, code);
        assert.match(err.message, pattern);
        return true;
      });
      const summary = await rt.rt.summary();
      assert.deepEqual(summary.hosts.flatMap((h) => h.sessionIds), []);
      assert.deepEqual(summary.sessions, []);
    });
  }
});

describe('close and shutdown', () => {
  test('closeSession disposes the isolate; a running execution ends cancelled', async () => {
    const rt = runtime();
    const s = await rt.session();
    let looping!: () => void;
    const started = new Promise<void>((resolve) => { looping = resolve; });
    const running = s.run('console.log("looping"); for (;;) {}', { limits: { wallMs: 5000, cpuMs: 5000 }, onEvent: () => looping() });
    await started;
    await rt.rt.closeSession(s.id);
    assert.equal((await running).outcome.status, 'cancelled');
    assert.ok((await s.run('1')).outcome.sessionCrashed);
    await rt.rt.closeSession(s.id);
  });

  test('shutdown ends every host', async () => {
    const rt = new TestRuntime();
    await rt.session();
    const pids = (await rt.rt.summary()).hosts.map((h) => h.pid);
    await rt.close();
    await until(() => pids.every((pid) => !alive(pid)), 2000);
  });
});
