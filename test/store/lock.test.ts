/** One owner per database: the lock file, its holder, stale locks and races. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { test } from 'node:test';
import { acquireDatabaseLock, lockPathFor } from '../../server/store';
import { defer, tempDir } from './helpers';

const CHILD = path.join(__dirname, 'lock-child.ts');

/** Starts lock-child.ts and resolves with its first output line (parsed). */
function child(dbPath: string, socketPath: string, mode: 'hold' | 'exit'): { proc: ChildProcess; result: Promise<{ ok: boolean; pid?: number; holder?: { pid: number; socketPath?: string } }> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, socketPath, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const result = new Promise<{ ok: boolean }>((resolve, reject) => {
    const lines = readline.createInterface({ input: proc.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    proc.once('exit', (code) => reject(new Error(`lock child exited ${code} before answering`)));
  });
  return { proc, result };
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));
}

test('the lock file names pid and socket; a second taker learns them; release frees it', (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const first = acquireDatabaseLock(dbPath, { pid: process.pid, socketPath: '/run/vm.sock' });
  assert.ok(first.ok);
  const content = JSON.parse(fs.readFileSync(`${dbPath}.lock`, 'utf8'));
  assert.equal(content.pid, process.pid);
  assert.equal(content.socketPath, '/run/vm.sock');
  const second = acquireDatabaseLock(dbPath, { pid: process.pid });
  assert.deepEqual(second, { ok: false, holder: { pid: process.pid, socketPath: '/run/vm.sock' } });
  first.release();
  assert.equal(fs.existsSync(`${dbPath}.lock`), false);
  const third = acquireDatabaseLock(dbPath, { pid: process.pid });
  assert.ok(third.ok);
  third.release();
  third.release(); // harmless
});

test('a lock held by another live process is refused with its pid and socket; once it dies the lock is taken over', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const holder = child(dbPath, '/tmp/holder.sock', 'hold');
  defer(t, () => holder.proc.kill('SIGKILL'));
  const held = await holder.result;
  assert.equal(held.ok, true);
  const refused = acquireDatabaseLock(dbPath, { pid: process.pid, socketPath: '/tmp/me.sock' });
  assert.deepEqual(refused, { ok: false, holder: { pid: holder.proc.pid, socketPath: '/tmp/holder.sock' } });

  holder.proc.kill('SIGKILL');
  await exited(holder.proc);
  const taken = acquireDatabaseLock(dbPath, { pid: process.pid, socketPath: '/tmp/me.sock' });
  assert.ok(taken.ok, 'stale lock of a killed daemon is taken over');
  assert.equal(JSON.parse(fs.readFileSync(lockPathFor(dbPath), 'utf8')).socketPath, '/tmp/me.sock');
  taken.release();
});

test('stale locks are taken over: dead pid, our own pid from a previous process, unreadable and old', (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const lockPath = lockPathFor(dbPath);
  const stale = [
    JSON.stringify({ pid: deadPid(), socketPath: '/tmp/old.sock', nonce: 'x' }),
    JSON.stringify({ pid: process.pid, nonce: 'from-a-previous-process-with-the-same-pid' }),
  ];
  for (const content of stale) {
    fs.writeFileSync(lockPath, content);
    const r = acquireDatabaseLock(dbPath, { pid: process.pid });
    assert.ok(r.ok, content);
    r.release();
  }
  fs.writeFileSync(lockPath, '{"pi');
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(lockPath, old, old);
  const r = acquireDatabaseLock(dbPath, { pid: process.pid });
  assert.ok(r.ok);
  r.release();
});

test('two paths to one database (a symlink) share one lock', (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'db.sqlite');
  fs.writeFileSync(dbPath, '');
  fs.symlinkSync(dbPath, path.join(dir, 'link.sqlite'));
  const first = acquireDatabaseLock(dbPath, { pid: process.pid });
  assert.ok(first.ok);
  assert.equal(acquireDatabaseLock(path.join(dir, 'link.sqlite'), { pid: process.pid }).ok, false);
  first.release();
});

test('release removes the lock only while it is still ours', (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  const mine = acquireDatabaseLock(dbPath, { pid: process.pid });
  assert.ok(mine.ok);
  const someoneElse = JSON.stringify({ pid: 1, nonce: 'theirs' });
  fs.writeFileSync(lockPathFor(dbPath), someoneElse);
  mine.release();
  assert.equal(fs.readFileSync(lockPathFor(dbPath), 'utf8'), someoneElse);
});

test('processes racing for one stale lock: exactly one wins, the others name the winner', async (t) => {
  const dbPath = path.join(tempDir(t), 'db.sqlite');
  fs.writeFileSync(lockPathFor(dbPath), JSON.stringify({ pid: deadPid(), nonce: 'stale' }));
  const racers = Array.from({ length: 6 }, (_, i) => child(dbPath, `/tmp/racer-${i}.sock`, 'hold'));
  defer(t, () => racers.forEach((r) => r.proc.kill('SIGKILL')));
  const results = await Promise.all(racers.map((r) => r.result));
  const winners = results.filter((r) => r.ok);
  assert.equal(winners.length, 1, JSON.stringify(results));
  for (const r of results.filter((x) => !x.ok)) assert.equal(r.holder!.pid, winners[0].pid);
  assert.equal(JSON.parse(fs.readFileSync(lockPathFor(dbPath), 'utf8')).pid, winners[0].pid);
  assert.deepEqual(fs.readdirSync(path.dirname(dbPath)).sort(), ['db.sqlite.lock'], 'no temp or takeover files left');
});
