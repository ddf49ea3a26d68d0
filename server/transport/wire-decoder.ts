import type { Message } from 'vscode-jsonrpc';

/**
 * A frame body → the JSON-RPC message it holds. vscode-jsonrpc would drop
 * bodies that are not JSON or not JSON-RPC with only a log line; the contract
 * wants PARSE_ERROR / INVALID_REQUEST answers. Such bodies become internal
 * notifications that the connection answers with an error response (id null
 * when no id could be read).
 */
export const PARSE_ERROR_METHOD = '$/vmSystem/parseError';
export const INVALID_REQUEST_METHOD = '$/vmSystem/invalidRequest';

export interface BadMessageParams { id: string | number | null; message: string }

const utf8 = new TextDecoder('utf-8');

export function decodeMessage(body: Uint8Array): Message {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch (error) {
    return internal(PARSE_ERROR_METHOD, { id: null, message: `body is not JSON: ${(error as Error).message}` });
  }
  const problem = invalidReason(value);
  if (problem) {
    const rawId = (value as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
    return internal(INVALID_REQUEST_METHOD, { id, message: problem });
  }
  return value as Message;
}

function internal(method: string, params: BadMessageParams): Message {
  return { jsonrpc: '2.0', method, params } as Message;
}

function invalidReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'a JSON-RPC message must be an object';
  if (Array.isArray(value)) return 'batches are not supported: send one message per frame';
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return '"jsonrpc" must be "2.0"';
  const isResponse = 'result' in m || 'error' in m;
  if (isResponse && m.method === undefined) return undefined;
  if (typeof m.method !== 'string' || m.method === '') return '"method" must be a non-empty string';
  if ('id' in m && typeof m.id !== 'string' && typeof m.id !== 'number') return '"id" must be a string or a number';
  if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null)) return '"params" must be an object or an array';
  return undefined;
}
