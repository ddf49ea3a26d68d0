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
  /** Aborted by $/cancelRequest. */
  signal?: AbortSignal;
}

