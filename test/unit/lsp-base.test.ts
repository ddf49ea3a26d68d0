/**
 * The contract's LSP base protocol is vscode-languageserver-protocol's: what
 * an LSP client (vscode-languageclient) sends passes our schemas, and what the
 * daemon answers is what such a client expects. The assignments are checked
 * by the compiler (`npm run typecheck`), the schemas at run time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressType, SetTraceNotification, TraceValues } from 'vscode-jsonrpc';
import type * as LSP from 'vscode-languageserver-protocol';
import * as P from '../../server/protocol';

test('an LSP client\'s initialize is a valid initialize of the contract', () => {
  const lsp: LSP.InitializeParams = {
    processId: 42, rootUri: null, locale: 'en', trace: 'verbose', workspaceFolders: null, workDoneToken: 'init',
    clientInfo: { name: 'Visual Studio Code', version: '1.95.0' },
    capabilities: { workspace: { applyEdit: true }, window: { workDoneProgress: true }, general: { positionEncodings: ['utf-16'] } },
    initializationOptions: { anything: true },
  };
  const ours: P.ParamsOf<typeof P.Initialize> = lsp;
  assert.equal(P.Initialize.params.safeParse(ours).success, true);
  assert.equal(P.Initialize.params.safeParse({ ...lsp, capabilities: { ...lsp.capabilities, vmSystem: { prompt: true } } }).success, true);
});

test('the initialize result is an LSP InitializeResult', () => {
  const result: P.ResultOf<typeof P.Initialize> = {
    serverInfo: { name: 'vm-system', version: '1.0.0' },
    capabilities: { vmSystem: { protocolVersion: 1, engines: ['isolated-vm'], modules: ['fs'], streaming: true } },
  };
  const lsp: LSP.InitializeResult<never> & { capabilities: { vmSystem: unknown } } = result;
  assert.equal(P.Initialize.result.safeParse(lsp).success, true);
});

test('$/cancelRequest, $/setTrace and work-done progress are the library\'s', () => {
  assert.equal(P.CancelRequest.method, '$/cancelRequest');
  assert.equal(P.SetTrace.method, SetTraceNotification.type.method);
  for (const value of [TraceValues.Off, TraceValues.Messages, TraceValues.Compact, TraceValues.Verbose]) {
    assert.equal(P.SetTrace.params.safeParse({ value } satisfies LSP.SetTraceParams).success, true, value);
  }
  const token: LSP.WorkDoneProgressParams['workDoneToken'] = 7;
  assert.equal(P.LibrariesInstall.params.safeParse({ workDoneToken: token }).success, true);
  assert.ok(P.WorkDoneProgress instanceof ProgressType);
  const begin: P.WorkDoneProgressValue = { kind: 'begin', title: 'Installing libraries', percentage: 0 } satisfies LSP.WorkDoneProgressBegin;
  assert.equal(begin.kind, 'begin');
});
