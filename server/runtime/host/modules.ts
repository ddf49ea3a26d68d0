/**
 * Native modules (`require('fs')`, `database`, `exec`) as the runtime host
 * sees them: a registry the module code plugs into. Nothing here knows what
 * the modules do; server/modules implements and registers them.
 *
 * How a call flows: session code calls `require('fs').readFileSync('a.txt')`;
 * the bootstrap turns that into a synchronous call from the isolate (the
 * isolate blocks, the host's event loop does not) to the session's module
 * reference (session-bridge.ts), which finds the module and calls `call(ctx, 'readFileSync', ['a.txt'])` with copied
 * arguments. The result (plain data, Uint8Array allowed) is copied back; a
 * thrown Error is rethrown inside the session with the same name and message.
 */
import type { Capability, Limits } from '../../protocol';

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
  functions: string[];
  /** One call; may return a promise (the session waits for it). */
  call(ctx: ModuleContext, fn: string, args: unknown[]): unknown;
  /** After each execution (e.g. save file databases). */
  onExecutionEnd?(ctx: ModuleContext): void | Promise<void>;
  /** When the session closes or dies. */
  dispose?(ctx: ModuleContext): void | Promise<void>;
}

/**
 * The modules this runtime offers, registered at host start by
 * server/modules/register.ts (imported for that by host/main.ts).
 */
const NATIVE_MODULES = new Map<string, NativeModule>();

export function registerNativeModule(module: NativeModule): void {
  NATIVE_MODULES.set(module.name, module);
}

export function getNativeModule(name: string): NativeModule | undefined {
  return NATIVE_MODULES.get(name);
}

/** The enabled modules that have an implementation, with their function names (handed to the bootstrap). */
export function moduleTable(enabled: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of enabled) {
    const m = NATIVE_MODULES.get(name);
    if (m) out[name] = [...m.functions];
  }
  return out;
}
