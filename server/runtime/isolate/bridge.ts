/**
 * The contract between the host (server/runtime/host) and the code that runs
 * inside each isolate. Types only: the host hands `HostBridge` functions in as
 * ivm.Callbacks (arguments copied) when it installs the bootstrap, and calls
 * the returned `Controller` through references it never gives to session code.
 */

/** Where something happened in a worktree file (1-based). */
export interface BridgeLocation { path: string; line: number; column: number }

/** Raw exception as seen inside the isolate; the host cleans the stack and finds the location. */
export interface RawException { name: string; message: string; stack: string }

export interface RawValue { type: string; preview: string; json?: unknown }

export type SettleResult =
  | { state: 'value'; value: RawValue }
  | { state: 'pending' };

export interface HostBridge {
  /** A console call. Answers false when the execution is being stopped (further output is dropped). */
  emit(level: string, text: string, path: string, line: number, column: number): boolean;
  /**
   * A `display` bundle, checked in the isolate (isolate/display.ts): its data and
   * metadata ('' for none) as JSON. Answers false when the execution is being stopped.
   */
  display(dataJson: string, metadataJson: string): boolean;
  /** A message of the runtime itself (not of session code) for the current execution: a `system` event, level info. */
  notice(message: string): boolean;
  /** Sets the session's timer alarm to ring in `delay` ms (-1: no timer is pending). */
  wake(delay: number): void;
  /** The awaited result of the execution settled. */
  settled(ok: boolean, value: RawValue | null, error: RawException | null): void;
  /** An error nobody caught: thrown by a timer callback or a queued microtask. */
  uncaught(error: RawException): void;
}

export interface InstallConfig {
  /** `runtime.console`: false makes console a no-op. */
  console: boolean;
  /** Enabled native modules and their function names (see server/modules/registry.ts). */
  modules: Record<string, string[]>;
  /** Catalog libraries by package name → the global they define: `require('lodash')` answers `_`. */
  libraryGlobals: Record<string, string>;
  /** How the host's Node prints what changed between Node releases (host/inspect-style.ts). */
  inspectStyle: InspectStyle;
  /**
   * Name of a hidden global the host's REPL wrapper calls with an exception the
   * input threw, before rethrowing it (`_error`, see host/repl-rewrite.ts).
   */
  rememberName: string;
  /** Name of a hidden global that describes a value, for previews the host evaluates through the inspector. */
  previewName: string;
}

/**
 * Value previews read like the `util.inspect` of the Node that runs the runtime
 * host; these are the points where Node 20/22 and 24 differ.
 */
export interface InspectStyle {
  /** `{ [Symbol(k)]: 1 }` (Node 20, 22) rather than `{ Symbol(k): 1 }` (Node 24). */
  symbolKeysInBrackets: boolean;
  /** `ArrayBuffer { …, [byteLength]: 4 }` and DataView's `[byteOffset]`… (Node 24) rather than unbracketed (Node 20, 22). */
  bufferPropsInBrackets: boolean;
}

export interface CompletionEntry { label: string; kind: string }

export interface Controller {
  /**
   * Before an execution: run-file arguments as JSON (or '' to leave `__ARGS__`/`__ENV__` as they are),
   * the most console text one call may hand the host (the execution's maxOutputKb in characters),
   * and whether it is REPL input (which alone updates `_` and `_error`).
   */
  begin(argsJson: string, envJson: string, maxTextChars: number, repl: boolean): void;
  /** The completion value of the script; promises are awaited and reported through `settled`. */
  settle(value: unknown): SettleResult;
  /** The alarm rang: runs the due timers; answers the next delay, or -1 when none is left. */
  fire(): number;
  complete(code: string, cursor: number, lexicalNames: string[]): CompletionEntry[];
  /** REPL input threw where the isolate could not catch it (a syntax error...): `_error` gets a rebuilt copy. */
  rememberError(name: string, message: string, stack: string): void;
}
