/**
 * What a native module (`require('fs')`, `database`, `exec`) is to the
 * runtime host that runs it, and what it gets for each call.
 *
 * How a call flows: session code calls `require('fs').readFileSync('a.txt')`;
 * the bootstrap turns that into a synchronous call from the isolate (the
 * isolate blocks, the host's event loop does not) to the session's module
 * reference (runtime/host/session-bridge.ts), which finds the module in
 * registry.ts and calls `call(ctx, 'readFileSync', ['a.txt'])` with copied
 * arguments. The result (plain data, Uint8Array allowed) is copied back; a
 * thrown Error is rethrown inside the session with the same name and message.
 */
import type { Capability, Limits } from '../protocol';

export interface ModuleContext {
  sessionId: string;
  /** Absolute path of the session's worktree: every path a module touches must resolve inside it. */
  worktreePath: string;
  /** The template's capabilities (e.g. `{kind: 'fs', config: {readOnly: true}}`). */
  capabilities: Capability[];
  /** The running execution's limits (e.g. `exec` bounds its child process with them). */
  limits: Limits;
  /** Aborted when the execution is stopped (timeout, cancel, limit). */
  signal: AbortSignal;
  /** Per-session scratch space for the module (open database handles...). */
  state: Map<string, unknown>;
}

export interface NativeModule {
  name: string;
  /** Function names `require(name)` exposes. */
  functions: readonly string[];
  /** One call; may return a promise (the session waits for it). */
  call(ctx: ModuleContext, fn: string, args: unknown[]): unknown;
  /** After each execution (e.g. save file databases). */
  onExecutionEnd?(ctx: ModuleContext): void | Promise<void>;
  /** When the session closes or dies. */
  dispose?(ctx: ModuleContext): void | Promise<void>;
}
