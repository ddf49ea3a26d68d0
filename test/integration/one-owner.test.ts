import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as P from '../../server/protocol';
import { CLI, startDaemon, tempDir } from '../helpers/daemon';
import { connectSocketClient } from '../helpers/socket-client';

test('a second daemon on a held database exits non-zero naming the holder', async () => {
  const d = await startDaemon({ extraArgs: ['--socket'] });
  try {
    const second = spawnSync(process.execPath, ['--no-node-snapshot', CLI, 'serve', '--stdio', '--db', d.dbPath], { input: '', timeout: 10000 });
    assert.notEqual(second.status, 0);
    const message = second.stderr.toString();
    assert.match(message, new RegExp(`pid ${d.proc.pid}`));
    assert.match(message, /socket/);
    // The holder is untouched and still answers.
    assert.equal((await d.call(P.OpsHealth, {})).pid, d.proc.pid);
  } finally {
    await d.stop();
  }
});

test('a database file that is not SQLite is refused and left byte-for-byte untouched', () => {
  const dbPath = path.join(tempDir(), 'notes.db');
  const content = 'these are my notes, not a database\n'.repeat(100);
  writeFileSync(dbPath, content);
  const r = spawnSync(process.execPath, ['--no-node-snapshot', CLI, 'serve', '--stdio', '--db', dbPath], { input: '', timeout: 10000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr.toString(), /notes\.db/);
  assert.equal(readFileSync(dbPath, 'utf8'), content);
});

test('socket clients share the daemon state with the stdio client', async () => {
  const d = await startDaemon({ extraArgs: ['--socket', path.join(tempDir(), 's.sock')] });
  try {
    const socketPath = d.proc.spawnargs.at(-1)!;
    const t = await d.call(P.TemplatesCreate, { name: 'shared' });
    const a = await connectSocketClient(socketPath);
    const b = await connectSocketClient(socketPath);
    try {
      assert.equal((await a.call(P.TemplatesGet, { templateId: t.id })).name, 'shared');
      const t2 = await b.call(P.TemplatesCreate, { name: 'from-b' });
      assert.equal((await d.call(P.TemplatesGet, { templateId: t2.id })).name, 'from-b');
      // A socket client that leaves does not end the daemon.
      a.close();
      assert.equal((await d.call(P.OpsHealth, {})).status, 'ok');
    } finally {
      b.close();
    }
  } finally {
    await d.stop();
  }
});

test('closeWithConnection: a socket client’s throw-away session ends with its connection; others stay', async () => {
  const d = await startDaemon({ extraArgs: ['--socket', path.join(tempDir(), 'c.sock')] });
  try {
    const socketPath = d.proc.spawnargs.at(-1)!;
    const templateId = (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;
    const client = await connectSocketClient(socketPath);
    const owned = await client.call(P.SessionsCreate, { templateId, worktreePath: tempDir(), closeWithConnection: true });
    const kept = await client.call(P.SessionsCreate, { templateId, worktreePath: tempDir() });
    client.close();
    let status = 'ready';
    for (let i = 0; i < 100 && status !== 'closed'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await d.call(P.SessionsGet, { sessionId: owned.id })).status;
    }
    assert.equal(status, 'closed');
    assert.equal((await d.call(P.SessionsGet, { sessionId: kept.id })).status, 'ready');
  } finally {
    await d.stop();
  }
});
