/**
 * Bounds on what leaves the isolate for the host. Everything session code
 * hands the host is copied into the host's heap, which all sessions of that
 * host share: a few copies of a huge string used to end the host (V8's heap
 * limit) and every session on it. So the size is checked here, inside the
 * isolate and before the copy, and a value too big throws into the session
 * code instead (docs/security.md).
 */
import * as P from './primordials';
import * as T from './types';
import { structuredClone } from './web';

/**
 * Data one native-module call may hand the host (estimated: characters of
 * strings and keys, bytes of buffers, 8 per other value). Above the fs
 * module's 16 MiB per call, so that its own EFBIG still answers first.
 */
export const MAX_CALL_BYTES = 17 * 1024 * 1024;
/** Characters of a `prompt()` message (it goes on to the client). */
export const MAX_PROMPT_MESSAGE_CHARS = 1024 * 1024;
/** Characters of an error's name, message and stack as reported. */
export const MAX_ERROR_TEXT_CHARS = 100_000;

function tooLarge(code: string, message: string): RangeError {
  const error = new P.RangeErrorCtor(`${code}: ${message}`);
  P.ObjectDefineProperty(error, 'code', { value: code, writable: true, enumerable: true, configurable: true });
  return error;
}

/**
 * The arguments of a module call as plain data, once size-checked. Cloned
 * first: what is measured is what is copied (a getter or proxy cannot answer
 * small to the measure and big to the copy).
 */
export function outgoingArgs(args: unknown[], what: string): unknown[] {
  const copy = structuredClone(args) as unknown[];
  const size = estimateBytes(copy, MAX_CALL_BYTES);
  if (size > MAX_CALL_BYTES) {
    throw tooLarge('ERR_ARGS_TOO_LARGE', `the arguments of ${what} are too large to pass to the host (more than ${MAX_CALL_BYTES / 1048576} MB in one call)`);
  }
  return copy;
}

export function checkPromptMessage(text: string): void {
  if (text.length > MAX_PROMPT_MESSAGE_CHARS) {
    throw tooLarge('ERR_ARGS_TOO_LARGE', `prompt(): the message is too long (${text.length} characters; at most ${MAX_PROMPT_MESSAGE_CHARS})`);
  }
}

/** At most `max` characters of `text`, and one more when there were more: enough for the host to see it is over. */
export function clip(text: string, max: number): string {
  return text.length > max ? P.StringPrototypeSlice(text, 0, max + 1) : text;
}

/** Walks plain data (a structuredClone result: no getters, no proxies); stops counting once past `budget`. */
function estimateBytes(value: unknown, budget: number): number {
  let total = 0;
  const seen = new P.SetCtor<object>();
  const todo: unknown[] = [value];
  while (todo.length > 0 && total <= budget) {
    const v = P.ArrayPrototypePop(todo);
    total += 8;
    if (typeof v === 'string') { total += v.length; continue; }
    if (typeof v !== 'object' || v === null || P.SetPrototypeHas(seen, v)) continue;
    P.SetPrototypeAdd(seen, v);
    if (T.isError(v)) {
      // The clone's own data properties, not getters; not enumerable, so counted here.
      const e = v as Error;
      total += (typeof e.message === 'string' ? e.message.length : 0) + (typeof e.stack === 'string' ? e.stack.length : 0);
      if ('cause' in e) P.ArrayPrototypePush(todo, e.cause);
    } else if (T.isArrayBuffer(v)) total += P.ArrayBufferByteLengthGetter(v);
    // A view is copied with its whole buffer.
    else if (T.isDataView(v)) total += P.ArrayBufferByteLengthGetter(P.DataViewBufferGetter(v));
    else if (P.ArrayBufferIsView(v)) total += P.ArrayBufferByteLengthGetter(P.TypedArrayBufferGetter(v));
    else if (T.isMap(v)) {
      const it = P.MapPrototypeEntries(v as Map<unknown, unknown>);
      for (let s = P.MapIteratorNext(it); !s.done; s = P.MapIteratorNext(it)) P.ArrayPrototypePush(todo, (s.value as unknown[])[0], (s.value as unknown[])[1]);
    } else if (T.isSet(v)) {
      const it = P.SetPrototypeValues(v as Set<unknown>);
      for (let s = P.SetIteratorNext(it); !s.done; s = P.SetIteratorNext(it)) P.ArrayPrototypePush(todo, s.value);
    } else {
      // A sparse array is copied with its length.
      if (P.ArrayIsArray(v)) total += 8 * (v as unknown[]).length;
      for (const key of P.ObjectKeys(v)) {
        total += key.length;
        P.ArrayPrototypePush(todo, (v as Record<string, unknown>)[key]);
      }
    }
  }
  return total;
}
