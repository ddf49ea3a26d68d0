import {
  createMessageConnection, ResponseError,
  type CancellationToken, type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { Readable, Writable } from 'node:stream';
import {
  ExecutionEventNotification, ExecutionsPrompt, illFormedField, Initialize, WatchDidEnd, WatchDidRun, WorkDoneProgress, NATIVE_MODULES, PROTOCOL_VERSION, ENGINE,
  type ResultOf,
} from '../protocol';
import { CliOutput } from '../protocol/cli-run';
import { toResponseError, wireError } from './error-mapper';
import { FrameReader } from './frame-reader';
import { FrameWriter } from './frame-writer';
import type { RequestContext, Route } from './routes';
import { INVALID_REQUEST_METHOD, PARSE_ERROR_METHOD, type BadMessageParams } from './wire-decoder';

export interface ConnectionHost {
  routes: Map<string, Route>;
  /**
   * Resolves once the daemon can serve `routes` (store open, core recovered).
   * `initialize` is answered without it: its answer is static, so a client
   * does not wait for the database to tell what the server speaks.
   */
  ready?: Promise<void>;
  /** Closes a session a client owned, when that client is gone. */
  closeSession(sessionId: string): Promise<unknown>;
  version: string;
  log(line: string): void;
  /** `shutdown` from any client: close sessions and flush; resolves when done. */
  shutdown(): Promise<void>;
  /** `exit`, or end of input on the owning (stdio) client. */
  exit(code: number): void;
}

/**
 * One client of the daemon: LSP lifecycle, validation, routing and error
 * mapping. The stdio client owns the daemon (its end of input is shutdown +
 * exit); socket clients only end their own connection.
 */
export function serveClient(input: Readable, output: Writable, host: ConnectionHost, owner: boolean): MessageConnection {
  const writer = new FrameWriter(output);
  // Frames above MAX_FRAME_BYTES are refused before anything buffers them; broken framing ends the connection.
  const reader = new FrameReader(input, (message) => sendBad('INVALID_REQUEST', { id: null, message }));
  const connection = createMessageConnection(reader, writer);
  let initialized = false;
  let shuttingDown = false;
  let shutdownDone: Promise<void> | undefined;
  let answersPrompts = false;
  /** Sessions created with closeWithConnection: they end with this connection. */
  const owned = new Set<string>();
  const goneListeners = new Set<() => void>();

  const sendBad = (code: 'PARSE_ERROR' | 'INVALID_REQUEST', params: BadMessageParams): void => {
    const error = wireError(code, params.message);
    void writer.write({ jsonrpc: '2.0', id: params.id, error: error.toJson() } as never).catch(() => undefined);
  };
  connection.onNotification(PARSE_ERROR_METHOD, (p: BadMessageParams) => sendBad('PARSE_ERROR', p));
  connection.onNotification(INVALID_REQUEST_METHOD, (p: BadMessageParams) => sendBad('INVALID_REQUEST', p));

  // What every request's context shares; only the cancellation is per request.
  const shared: RequestContext = {
    onEvent: (sessionId, event) => void connection.sendNotification(ExecutionEventNotification.type,
      { sessionId, executionId: event.executionId, event }).catch(() => undefined),
    ownSession: (sessionId) => { owned.add(sessionId); },
    didEnd: (watchId, reason) => void connection.sendNotification(WatchDidEnd.type, { watchId, reason }).catch(() => undefined),
    didRun: (watchId, execution, events) => void connection.sendNotification(WatchDidRun.type, { watchId, execution, events }).catch(() => undefined),
    progress: (token, value) => void connection.sendProgress(WorkDoneProgress, token, value).catch(() => undefined),
    cliOutput: (stream, text) => void connection.sendNotification(CliOutput.type, { stream, text }).catch(() => undefined),
    onClientGone: (listener) => { goneListeners.add(listener); return () => { goneListeners.delete(listener); }; },
  };
  const askClient = (executionId: string, message: string): Promise<string | null> => connection.sendRequest(ExecutionsPrompt.type, { executionId, message })
    .then((r) => (typeof r?.value === 'string' ? r.value : null), () => null);
  // The request's token is the cancellation as it is: a $/cancelRequest that arrived before the request
  // was dispatched leaves it already cancelled (vscode-jsonrpc's CancellationToken.Cancelled), which the core checks first.
  const ctxFor = (token: CancellationToken): RequestContext => ({ ...shared, prompt: answersPrompts ? askClient : undefined, cancellation: token });

  connection.onRequest(async (method: string, params: unknown, token: CancellationToken) => {
    try {
      if (method === Initialize.method) {
        const p = Initialize.params.parse(params ?? {});
        initialized = true;
        answersPrompts = p.capabilities?.vmSystem?.prompt === true;
        const result: ResultOf<typeof Initialize> = {
          serverInfo: { name: 'vm-system', version: host.version },
          capabilities: { vmSystem: { protocolVersion: PROTOCOL_VERSION, engines: [ENGINE], modules: [...NATIVE_MODULES], streaming: true } },
        };
        return result;
      }
      if (!initialized) throw wireError('SERVER_NOT_INITIALIZED', `${method}: the server is not initialized; send initialize first`);
      if (host.ready) await host.ready;
      if (method === 'shutdown') {
        shuttingDown = true;
        shutdownDone ??= host.shutdown();
        await shutdownDone;
        return null;
      }
      const route = host.routes.get(method);
      if (!route) throw wireError('METHOD_NOT_FOUND', `unknown method ${method}`, { method });
      if (shuttingDown) throw wireError('INVALID_REQUEST', 'the server is shutting down');
      const illFormed = illFormedField(params);
      if (illFormed) throw wireError('VALIDATION_ERROR', `${illFormed}: a string with a lone surrogate (ill-formed UTF-16) cannot be stored exactly; refused`, { field: illFormed });
      const valid = route.def.params.parse(params);
      return await route.handle(valid, ctxFor(token));
    } catch (error) {
      return toResponseError(error, host.log) as ResponseError<unknown>;
    }
  });

  connection.onNotification('exit', () => {
    writer.flush();
    if (owner) host.exit(shuttingDown ? 0 : 1);
    else connection.dispose();
  });
  connection.onNotification(() => { /* initialized, unknown notifications: ignored as LSP does */ });
  connection.onError(([error]) => host.log(`connection error: ${error.message}`));
  connection.onClose(() => {
    for (const listener of [...goneListeners]) listener();
    for (const sessionId of owned) void host.closeSession(sessionId).catch(() => undefined);
    if (!owner) return;
    // Client gone: behave like shutdown + exit, losing nothing acknowledged.
    (shutdownDone ??= host.shutdown()).then(() => host.exit(0), () => host.exit(1));
  });
  connection.listen();
  return connection;
}
