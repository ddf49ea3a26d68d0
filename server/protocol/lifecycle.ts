/**
 * The LSP base protocol as the daemon speaks it. Its shapes are
 * vscode-languageserver-protocol's (and vscode-jsonrpc's): our zod schemas
 * validate only what the contract adds or needs, and `satisfies` ties each to
 * the library's type, so a drift is a compile error. The library is imported
 * for types only: its code (~160 KB) stays out of every bundle.
 */
import * as z from 'zod';
import { ProgressType, type CancellationId, type ProgressToken, type SetTraceParams } from 'vscode-jsonrpc';
import type * as LSP from 'vscode-languageserver-protocol';
import { request, notification } from './define';

export const ClientInfo = z.object({ name: z.string(), version: z.string().optional() });

/** vm-system specific client capabilities (`capabilities.vmSystem`). */
export const VmSystemClientCapabilities = z.looseObject({
  /** The client answers `executions/prompt`; without it `prompt()` returns null. */
  prompt: z.boolean().optional(),
});

export const ClientCapabilities = z.looseObject({
  vmSystem: VmSystemClientCapabilities.optional(),
});

const InitializeParamsSchema = z.looseObject({
  processId: z.number().int().nullable().optional(),
  clientInfo: ClientInfo.optional(),
  /** LSP clients send more than this; unknown capability fields are ignored. */
  capabilities: ClientCapabilities.optional(),
  initializationOptions: z.unknown().optional(),
});

/**
 * `initialize` params as a client writes them: an LSP client's
 * (vscode-languageserver-protocol's InitializeParams), every field optional,
 * plus `capabilities.vmSystem`. The schema validates what the daemon reads.
 */
export type InitializeParams = Partial<Omit<LSP.InitializeParams, 'capabilities'>> & {
  capabilities?: LSP.ClientCapabilities & { vmSystem?: z.input<typeof VmSystemClientCapabilities> };
};
export const InitializeParams: z.ZodType<z.output<typeof InitializeParamsSchema>, InitializeParams> = InitializeParamsSchema;

export const ServerCapabilities = z.object({
  vmSystem: z.object({
    protocolVersion: z.literal(1),
    engines: z.array(z.string()),
    /** Native modules a template may enable. */
    modules: z.array(z.string()),
    streaming: z.literal(true),
  }),
});

/** An LSP InitializeResult whose capabilities are the contract's `vmSystem`. */
export const InitializeResult = z.object({
  serverInfo: z.object({ name: z.literal('vm-system'), version: z.string() }),
  capabilities: ServerCapabilities,
}) satisfies z.ZodType<LSP.InitializeResult<never> & { capabilities: { vmSystem: unknown } }>;

export const Initialize = request('initialize', InitializeParams, InitializeResult,
  'First request of every client. Any other request before it answers SERVER_NOT_INITIALIZED. On a shared (socket) daemon each client initializes its own connection.');
export const Initialized = notification('initialized', z.looseObject({}), 'Sent by the client after the initialize result.');
export const Shutdown = request('shutdown', z.undefined().or(z.null()), z.null(),
  'Closes live sessions cleanly and flushes the store. Further requests except exit are refused.');
export const Exit = notification('exit', z.undefined().or(z.null()), 'Process exits 0 after shutdown, 1 otherwise.');
export const CancelRequest = notification('$/cancelRequest', z.object({ id: z.union([z.number(), z.string()]) satisfies z.ZodType<CancellationId> }),
  'Cancels an in-flight request; a running executions/repl or runFile stops and answers REQUEST_CANCELLED.');
export const SetTrace = notification('$/setTrace',
  z.object({ value: z.enum(['off', 'messages', 'compact', 'verbose']) }) satisfies z.ZodType<SetTraceParams>,
  'Accepted and ignored (vscode-languageclient sends it for its message trace): the daemon sends no `$/logTrace`; its log is its stderr.');

/** A client's `workDoneToken` (LSP work-done progress): `$/progress` notifications carry it back. */
export const WorkDoneToken = z.union([z.string(), z.number()]) satisfies z.ZodType<ProgressToken>;

/** The values of work-done progress, as LSP defines them. */
export type WorkDoneProgressValue = LSP.WorkDoneProgressBegin | LSP.WorkDoneProgressReport | LSP.WorkDoneProgressEnd;
/**
 * `$/progress` of work-done progress for `connection.sendProgress` /
 * `onProgress` — what vscode-languageserver-protocol's `WorkDoneProgress.type`
 * is (a vscode-jsonrpc ProgressType), declared here so no bundle loads that package.
 */
export const WorkDoneProgress = new ProgressType<WorkDoneProgressValue>();

export const PROTOCOL_VERSION = 1 as const;
