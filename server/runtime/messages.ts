/**
 * The IPC contract between the daemon (pool/) and a runtime-host child
 * process (host/). Node's `child_process` IPC channel carries these objects as
 * JSON (host → daemon in batches, see host/outbox.ts). Requests carry an id and get exactly one `response`; everything else is
 * one-way. Only plain data crosses: no isolate objects ever leave a host.
 */
import type { Capability, CompletionItem, ExceptionPayload, Limits, Resolver, Runtime, ValuePayload } from '../protocol';
import type { ExecOutcome, ExecRequest, RuntimeEvent, RuntimeStartError } from '../core/ports';

/** What a host needs to build a session (SessionSpec minus nothing it cannot use). */
export interface HostSessionSpec {
  sessionId: string;
  worktreePath: string;
  limits: Limits;
  runtime: Runtime;
  resolver: Resolver;
  modules: string[];
  capabilities: Capability[];
  libraries: Array<{ name: string; version: string; global: string; file: string }>;
  /** Registry libraries: installed trees (`<root>/node_modules/<name>`) bare specifiers resolve in first. */
  packages?: Array<{ name: string; version: string; root: string }>;
  /** Folder of the package bundle cache (see host/packages/bundle-cache.ts); none: bundles are kept in memory only. */
  bundleCache?: string;
}

export interface SessionStats { sessionId: string; heapUsedMb: number; cpuMs: number }

/** Requests and their results. */
export interface HostRequests {
  create: { params: { spec: HostSessionSpec }; result: null };
  execute: { params: { request: ExecRequest }; result: ExecOutcome };
  complete: { params: { sessionId: string; code: string; cursor: number }; result: CompletionItem[] };
  preview: { params: { sessionId: string; code: string }; result: ValuePayload | null };
  close: { params: { sessionId: string }; result: null };
  stats: { params: Record<string, never>; result: SessionStats[] };
  shutdown: { params: Record<string, never>; result: null };
}
export type HostOp = keyof HostRequests;

export type DaemonToHost =
  | { [K in HostOp]: { type: 'request'; id: number; op: K; params: HostRequests[K]['params'] } }[HostOp]
  | { type: 'cancel'; sessionId: string; executionId: string }
  | { type: 'promptReply'; promptId: number; value: string | null };

/** What one IPC message from a host carries: the messages of one event-loop turn, in order. */
export type HostBatch = HostToDaemon[];

/** Error answer of a request; a RuntimeStartError (a session that could not start) travels as its code. */
export interface HostError { message: string; startFailure?: RuntimeStartError['code'] }

export type HostToDaemon =
  | { type: 'ready'; pid: number }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: HostError }
  | { type: 'event'; executionId: string; event: RuntimeEvent }
  | { type: 'prompt'; promptId: number; executionId: string; message: string }
  /** A session died outside an execution (its isolate was disposed). */
  | { type: 'sessionLost'; sessionId: string; reason: string }
  /** The host is about to die (V8 catastrophic error); `reason` explains it to the sessions' users. */
  | { type: 'fatal'; reason: string };

export type { ExceptionPayload, ValuePayload };
