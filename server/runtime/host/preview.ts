/**
 * `sessions/preview`: the value an expression would have, without changing
 * anything. V8 decides what is side-effect free: the expression is evaluated
 * through the isolate's inspector (`Runtime.evaluate`) with
 * `throwOnSideEffect`, which refuses any write to state that existed before
 * the evaluation (globals, closures, objects, getters and Proxy traps that
 * would write, `await`, timers...), and with a 50 ms `timeout` that
 * terminates a long loop. The value is described by the same function that
 * describes execution values (isolate/describe.ts), called inside the same
 * checked evaluation, so a custom inspect or a trap that would write is
 * refused too. Anything refused, thrown or too slow answers no value.
 *
 * The inspector session is the Terminator's (one per isolate, see
 * terminator.ts for why its lifetime needs care); the caller runs previews
 * through IsolateSession.call(), so they never overlap an execution.
 */
import type { ValuePayload, ValueType } from '../../protocol';
import type { Terminator } from './terminator';

/** V8's own limit on one preview evaluation. */
export const PREVIEW_TIMEOUT_MS = 50;
/** Should V8's timeout not fire, the evaluation is terminated from here. */
const WATCHDOG_MS = 500;
const OBJECT_GROUP = 'vm-system-preview';
const VALUE_TYPES = new Set<string>(['undefined', 'null', 'boolean', 'number', 'bigint', 'string', 'symbol', 'function', 'array', 'object', 'date', 'regexp', 'map', 'set', 'error', 'promise']);

export class Previewer {
  private contextId: number | undefined;

  /** `describeName`: the hidden global of the isolate that describes a value (isolate/bootstrap.ts). */
  constructor(private readonly link: Terminator, private readonly describeName: string) {}

  async preview(code: string): Promise<ValuePayload | undefined> {
    const contextId = await this.context();
    if (contextId === undefined) return undefined;
    // As REPL input: `{ a: 1 }` is an object; a trailing `;` ends no expression here.
    const expression = `${this.describeName}((\n${code.replace(/[\s;]+$/, '')}\n))`;
    try {
      const answer = await this.post('Runtime.evaluate', {
        expression, contextId, throwOnSideEffect: true, timeout: PREVIEW_TIMEOUT_MS,
        silent: true, returnByValue: true, awaitPromise: false, objectGroup: OBJECT_GROUP,
      }, () => this.link.terminate());
      if (!answer || answer.exceptionDetails) return undefined;
      return payloadOf((answer.result as { value?: unknown } | undefined)?.value);
    } catch {
      return undefined; // terminated (too long), or the session went away
    } finally {
      // A refused or thrown evaluation leaves its exception object in the group.
      await this.post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }).catch(() => undefined);
    }
  }

  /**
   * One command, answered within WATCHDOG_MS or not at all (undefined): an isolate that
   * died meanwhile (memory limit) never answers. `late` runs when the time is up.
   */
  private async post(method: string, params: Record<string, unknown>, late?: () => void): Promise<Record<string, unknown> | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        try {
          late?.();
        } catch {
          // the isolate is gone
        }
        resolve(undefined);
      }, WATCHDOG_MS);
    });
    try {
      return await Promise.race([this.link.post(method, params), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The session context's inspector id: announced once when the Runtime domain is enabled (then disabled again). */
  private async context(): Promise<number | undefined> {
    if (this.contextId !== undefined) return this.contextId;
    const ids: number[] = [];
    const enabled = this.link.post('Runtime.enable', {}, (method, params) => {
      const context = params.context as { id?: unknown; name?: unknown } | undefined;
      // isolated-vm announces its own "default" context too; the session's is the other one.
      if (method === 'Runtime.executionContextCreated' && typeof context?.id === 'number' && context.name !== 'default') ids.push(context.id);
    });
    if (!(await Promise.race([enabled, new Promise<undefined>((resolve) => setTimeout(resolve, WATCHDOG_MS))]))) return undefined;
    await this.post('Runtime.disable', {});
    if (ids.length === 1) this.contextId = ids[0];
    return this.contextId;
  }
}

/** What came out of the isolate, checked like an execution's value (host/execution.ts). */
function payloadOf(raw: unknown): ValuePayload | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { type, preview, json } = raw as { type?: unknown; preview?: unknown; json?: unknown };
  if (typeof preview !== 'string') return undefined;
  const payload: ValuePayload = { type: (typeof type === 'string' && VALUE_TYPES.has(type) ? type : 'object') as ValueType, preview };
  if (json !== undefined) payload.json = json;
  return payload;
}
