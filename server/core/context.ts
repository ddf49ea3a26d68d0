import type { Event } from '../protocol';

/**
 * What a service call knows about the client that made it: where its
 * notifications go, whether it answers prompt(), and the request's
 * cancellation. The transport builds one per request; the core never sees a
 * connection.
 */
export interface CallContext {
  /** Pushes an event of an execution this call started (executions/event). */
  onEvent?(sessionId: string, event: Event): void;
  /** Asks the client (executions/prompt); undefined when it did not declare the capability. */
  prompt?(executionId: string, message: string): Promise<string | null>;
  /** Set by $/cancelRequest. */
  cancellation?: Cancellation;
}

/**
 * A call's cancellation. It has the shape of vscode-jsonrpc's CancellationToken,
 * so the transport hands over the request's token as it is (an AbortController
 * per request cost ~7 µs, a few percent of an execution). As with that token, a
 * listener added once cancelled is never called: check the flag first.
 */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

