import * as z from 'zod';
import { request, notification } from './define';

export const ClientInfo = z.object({ name: z.string(), version: z.string().optional() });

export const ClientCapabilities = z.looseObject({
  /** vm-system specific client capabilities. */
  vmSystem: z.looseObject({
    /** The client answers `executions/prompt`; without it `prompt()` returns null. */
    prompt: z.boolean().optional(),
  }).optional(),
});

export const InitializeParams = z.looseObject({
  processId: z.number().int().nullable().optional(),
  clientInfo: ClientInfo.optional(),
  /** LSP clients send more than this; unknown capability fields are ignored. */
  capabilities: ClientCapabilities.optional(),
  initializationOptions: z.unknown().optional(),
});

export const ServerCapabilities = z.object({
  vmSystem: z.object({
    protocolVersion: z.literal(1),
    engines: z.array(z.string()),
    /** Native modules a template may enable. */
    modules: z.array(z.string()),
    streaming: z.literal(true),
  }),
});

export const InitializeResult = z.object({
  serverInfo: z.object({ name: z.literal('vm-system'), version: z.string() }),
  capabilities: ServerCapabilities,
});

export const Initialize = request('initialize', InitializeParams, InitializeResult,
  'First request of every client. Any other request before it answers SERVER_NOT_INITIALIZED. On a shared (socket) daemon each client initializes its own connection.');
export const Initialized = notification('initialized', z.looseObject({}), 'Sent by the client after the initialize result.');
export const Shutdown = request('shutdown', z.undefined().or(z.null()), z.null(),
  'Closes live sessions cleanly and flushes the store. Further requests except exit are refused.');
export const Exit = notification('exit', z.undefined().or(z.null()), 'Process exits 0 after shutdown, 1 otherwise.');
export const CancelRequest = notification('$/cancelRequest', z.object({ id: z.union([z.number(), z.string()]) }),
  'Cancels an in-flight request; a running executions/repl or runFile stops and answers REQUEST_CANCELLED.');

export const PROTOCOL_VERSION = 1 as const;
