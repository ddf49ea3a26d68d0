/**
 * One row per error code of the contract: each row provokes the condition
 * against the real daemon and checks both the numeric and the string code.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import * as P from '../../server/protocol';
import { errorOf, openSession, startDaemon, type TestDaemon } from '../helpers/daemon';
import { startRawDaemon } from '../helpers/raw-client';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); });

const MISSING = '00000000-0000-4000-8000-000000000000';

const rows: Array<[P.ErrorCode, () => Promise<unknown>]> = [
  ['METHOD_NOT_FOUND', () => d.connection.sendRequest('nope/method', {})],
  ['VALIDATION_ERROR', () => d.call(P.TemplatesGet, { templateId: 'not-a-uuid' })],
  ['TEMPLATE_NOT_FOUND', () => d.call(P.TemplatesGet, { templateId: MISSING })],
  ['SESSION_NOT_FOUND', () => d.call(P.SessionsGet, { sessionId: MISSING })],
  ['EXECUTION_NOT_FOUND', () => d.call(P.ExecutionsGet, { executionId: MISSING })],
  ['WATCH_NOT_FOUND', () => d.call(P.WatchStop, { watchId: MISSING })],
  // Any package spec is accepted (libraries/install asks the registry); this is not one.
  ['LIBRARY_NOT_FOUND', async () => d.call(P.TemplatesAddLibrary, { templateId: await defaultId(), name: 'Not A Package!' })],
  ['MODULE_NOT_ALLOWED', async () => d.call(P.TemplatesAddModule, { templateId: await defaultId(), name: 'math' })],
  ['STARTUP_MODE_UNSUPPORTED', async () => d.call(P.TemplatesAddStartupFile, { templateId: await defaultId(), path: 'a.js', mode: 'module' })],
  ['INVALID_PATH', async () => {
    const { session } = await openSession(d);
    return d.call(P.ExecutionsRunFile, { sessionId: session.id, path: '../outside.js' });
  }],
  ['FILE_NOT_FOUND', async () => {
    const { session } = await openSession(d);
    return d.call(P.ExecutionsRunFile, { sessionId: session.id, path: 'missing.js' });
  }],
  ['SESSION_NOT_READY', async () => {
    const { session } = await openSession(d);
    await d.call(P.SessionsClose, { sessionId: session.id });
    return d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1' });
  }],
  ['SESSION_BUSY', async () => {
    const { session } = await openSession(d, {}, { limits: { wallMs: 2000, cpuMs: 2000 } });
    const input = 'const t = Date.now(); while (Date.now() - t < 500) {}';
    const busy = d.call(P.ExecutionsRepl, { sessionId: session.id, input });
    await d.running(session.id, input);
    try {
      return await d.call(P.ExecutionsRepl, { sessionId: session.id, input: '1' });
    } finally {
      await busy;
    }
  }],
  ['OUTPUT_LIMIT_EXCEEDED', async () => {
    const { session } = await openSession(d, {}, { limits: { maxEvents: 5 } });
    return d.call(P.ExecutionsRepl, { sessionId: session.id, input: 'for (let i = 0; i < 100; i++) console.log(i)' });
  }],
  ['STARTUP_FAILED', async () => {
    const { templateId } = await openSession(d, {}, {});
    const worktree = (await openSession(d, { 'boot.js': 'throw new Error("boom")' })).worktree;
    await d.call(P.TemplatesAddStartupFile, { templateId, path: 'boot.js' });
    return d.call(P.SessionsCreate, { templateId, worktreePath: worktree });
  }],
  ['LIBRARY_NOT_CACHED', async () => {
    const { templateId, worktree } = await openSession(d, {}, {});
    await d.call(P.TemplatesAddLibrary, { templateId, name: 'lodash' });
    return d.call(P.SessionsCreate, { templateId, worktreePath: worktree });
  }],
  ['LIBRARY_FETCH_FAILED', async () => {
    // Nothing listens on port 9 of the loopback: the fetch fails at once.
    const offline = await startDaemon({ env: { VM_SYSTEM_REGISTRY: 'http://127.0.0.1:9/' } });
    try {
      return await offline.call(P.LibrariesInstall, { names: ['ramda'] });
    } finally {
      await offline.stop();
    }
  }],
  ['REQUEST_CANCELLED', async () => {
    const { session } = await openSession(d);
    const source = new CancellationTokenSource();
    const run = d.connection.sendRequest(P.ExecutionsRepl.type, { sessionId: session.id, input: 'while (true) {}' }, source.token);
    await d.running(session.id, 'while (true) {}');
    source.cancel();
    return run;
  }],
];

async function defaultId(): Promise<string> {
  return (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;
}

for (const [code, provoke] of rows) {
  test(`${code} (${P.ErrorCodes[code].code})`, async () => {
    const { code: got, error } = await errorOf(provoke());
    assert.equal(got, code, error.message);
    assert.equal(error.code, P.ErrorCodes[code].code);
    assert.equal(typeof error.message, 'string');
  });
}

test('PARSE_ERROR, INVALID_REQUEST and SERVER_NOT_INITIALIZED on raw frames', async () => {
  const raw = startRawDaemon();
  try {
    raw.send('{"jsonrpc": "2.0", "id": 1, "method": "templates/list"');
    let m = await raw.next();
    assert.equal(m.id, null);
    assert.deepEqual([(m.error as { code: number }).code, (m.error as { data: { code: string } }).data.code], [-32700, 'PARSE_ERROR']);
    raw.send('{"jsonrpc": "2.0", "id": 7}');
    m = await raw.next();
    assert.equal(m.id, 7);
    assert.deepEqual((m.error as { data: { code: string } }).data.code, 'INVALID_REQUEST');
    raw.send('[1, 2]');
    m = await raw.next();
    assert.equal((m.error as { code: number }).code, -32600);
    raw.send('{"jsonrpc": "2.0", "id": 8, "method": "templates/list", "params": {}}');
    m = await raw.next();
    assert.equal(m.id, 8);
    assert.equal((m.error as { data: { code: string } }).data.code, 'SERVER_NOT_INITIALIZED');
  } finally {
    await raw.stop();
  }
});

test('the error table matches the contract', () => {
  assert.equal(P.ErrorCodes.INTERNAL.code, -32603);
  const provoked = new Set([...rows.map(([c]) => c), 'PARSE_ERROR', 'INVALID_REQUEST', 'SERVER_NOT_INITIALIZED', 'INTERNAL']);
  assert.deepEqual([...provoked].sort(), Object.keys(P.ErrorCodes).sort(), 'every error code has a row');
});
