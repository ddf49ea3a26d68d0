/**
 * `_` and `_error`, kept per session the way Node's REPL keeps them: after
 * each REPL execution `_` is the value it evaluated to (a promise's settled
 * value), and after one that threw (or rejected) `_error` is the exception.
 * Both live here, in the session's runtime, so every client of the session
 * sees the same. Assigning either yourself turns its updates off for the
 * session, with Node's message ("Expression assignment to _ now disabled.");
 * from then on it holds what was assigned, like any global.
 *
 * Only REPL executions update them (`begin(…, repl)`); run files, startup
 * files and previews never do.
 */
import * as P from './primordials';

export interface Underscore {
  /** Whether the current execution is REPL input (set by `begin`). */
  repl: boolean;
  value(v: unknown): void;
  error(e: unknown): void;
}

export function installUnderscore(notice: (message: string) => void): Underscore {
  let last: unknown;
  let lastError: unknown;
  let valueAssigned = false;
  let errorAssigned = false;

  P.ObjectDefineProperty(P.G, '_', {
    get: () => last,
    set: (v: unknown) => {
      last = v;
      if (valueAssigned) return;
      valueAssigned = true;
      notice('Expression assignment to _ now disabled.');
    },
    enumerable: false,
    configurable: true,
  });
  P.ObjectDefineProperty(P.G, '_error', {
    get: () => lastError,
    set: (e: unknown) => {
      lastError = e;
      if (errorAssigned) return;
      errorAssigned = true;
      notice('Expression assignment to _error now disabled.');
    },
    enumerable: false,
    configurable: true,
  });

  const state: Underscore = {
    repl: false,
    value(v) {
      if (state.repl && !valueAssigned) last = v;
    },
    error(e) {
      if (state.repl && !errorAssigned) lastError = e;
    },
  };
  return state;
}

const STANDARD: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/**
 * An exception that was not caught inside the isolate (a syntax error, or a
 * throw from input that could not be wrapped), rebuilt from what the host
 * saw: the same class for the built-in names, name, message and stack.
 */
export function rebuildError(name: string, message: string, stack: string): Error {
  const Ctor = P.ObjectPrototypeHasOwnProperty(STANDARD, name) ? STANDARD[name] : P.ErrorCtor;
  const error = new Ctor(message);
  if (error.name !== name) P.ObjectDefineProperty(error, 'name', { value: name, writable: true, enumerable: false, configurable: true });
  P.ObjectDefineProperty(error, 'stack', { value: stack, writable: true, enumerable: false, configurable: true });
  return error;
}
