/**
 * The one error table of the contract. Clients match on the string code
 * (`error.data.code`); the numeric code is the JSON-RPC `error.code`.
 * Ranges: -327xx/-326xx JSON-RPC reserved, -32002/-32800 LSP, 1001-1099 "not found",
 * 1101-1199 state conflicts, 1201-1299 refused input/limits.
 */
export const ErrorCodes = {
  PARSE_ERROR: { code: -32700, doc: 'body is not JSON' },
  INVALID_REQUEST: { code: -32600, doc: 'not a JSON-RPC request object' },
  METHOD_NOT_FOUND: { code: -32601, doc: 'unknown method' },
  VALIDATION_ERROR: { code: -32602, doc: 'missing, mistyped, out-of-range or unknown field; malformed id; a string (or key) with a lone surrogate, which could not be stored exactly (`details.field` names it)' },
  SERVER_NOT_INITIALIZED: { code: -32002, doc: 'request before `initialize`' },
  REQUEST_CANCELLED: { code: -32800, doc: 'the request was cancelled by `$/cancelRequest`' },
  TEMPLATE_NOT_FOUND: { code: 1001, doc: 'no template with that id' },
  SESSION_NOT_FOUND: { code: 1002, doc: 'no session with that id' },
  EXECUTION_NOT_FOUND: { code: 1003, doc: 'no execution with that id' },
  FILE_NOT_FOUND: { code: 1004, doc: 'run-file / startup / watch target missing in the worktree' },
  LIBRARY_NOT_FOUND: { code: 1005, doc: 'library name that is not a package spec, or a package or version the registry does not have' },
  WATCH_NOT_FOUND: { code: 1006, doc: 'no watch with that id' },
  SESSION_NOT_READY: { code: 1101, doc: 'session is starting, crashed or closed' },
  SESSION_BUSY: { code: 1102, doc: 'another execution is running in the session (no queue)' },
  INVALID_PATH: { code: 1201, doc: 'absolute path, `..` traversal, or a path (symlinks included) that resolves outside the worktree' },
  OUTPUT_LIMIT_EXCEEDED: { code: 1202, doc: 'execution hit `maxEvents` or `maxOutputKb` (`details.executionId`, `details.limit`)' },
  STARTUP_MODE_UNSUPPORTED: { code: 1203, doc: 'startup file mode other than `eval`' },
  MODULE_NOT_ALLOWED: { code: 1204, doc: 'JS built-in (`json`, `math`, `console`, `date`, `array`, `string`, `object`, `promise`) or unknown module' },
  STARTUP_FAILED: { code: 1205, doc: 'session startup threw (`details.sessionId`, `details.lastError`)' },
  LIBRARY_NOT_CACHED: { code: 1206, doc: 'template needs a library that is not in the local cache' },
  /** Addition to the v1 table: an expected failure (network, registry, integrity) is not INTERNAL. */
  LIBRARY_FETCH_FAILED: { code: 1207, doc: '`libraries/install` could not fetch or verify a package (`details.name`, `details.reason`)' },
  INTERNAL: { code: -32603, doc: 'a bug; never used for an expected condition' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** `error.data` of every failed request. */
export interface ErrorData {
  code: ErrorCode;
  details?: Record<string, unknown>;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ErrorCodes, value);
}

/** Read the stable string code out of a JSON-RPC error (as thrown by vscode-jsonrpc clients). */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return isErrorCode(data?.code) ? data.code : undefined;
}
