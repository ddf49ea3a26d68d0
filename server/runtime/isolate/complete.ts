/**
 * Completion at a cursor: the names visible there. Only a simple chain
 * `a.b.c.` before the cursor is followed, by reading data properties (never
 * calling a getter or any function), so completing cannot run session code
 * (a Proxy's traps excepted; the host bounds the call with a timeout).
 */
import * as P from './primordials';
import type { CompletionEntry } from './bridge';

const KEYWORDS = ['await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'let', 'new',
  'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield'];

const MAX_ITEMS = 1000;
// Indirect eval reads a global `let`/`const` binding, which is not a property of globalThis.
const globalEval = P.G.eval;

function kindOf(value: unknown, fallback: string): string {
  if (typeof value !== 'function') return fallback;
  try {
    return P.RegExpPrototypeExec(/^class\b/, P.FunctionPrototypeToString(value)) !== null ? 'class' : 'function';
  } catch {
    return 'function';
  }
}

/** A data property found along the prototype chain; `found: false` for accessors and missing names. */
function readData(obj: unknown, key: string): { found: boolean; value?: unknown } {
  let cur: any = obj !== null && (typeof obj === 'object' || typeof obj === 'function') ? obj : P.ObjectCtor(obj);
  for (let depth = 0; cur !== null && depth < 100; depth++) {
    const desc = P.ObjectGetOwnPropertyDescriptor(cur, key);
    if (desc) return 'value' in desc ? { found: true, value: desc.value } : { found: false };
    cur = P.ObjectGetPrototypeOf(cur);
  }
  return { found: false };
}

function propertyNames(obj: unknown): string[] {
  const names = new P.SetCtor<string>();
  let cur: any = obj !== null && (typeof obj === 'object' || typeof obj === 'function') ? obj : P.ObjectCtor(obj);
  for (let depth = 0; cur !== null && depth < 100; depth++) {
    for (const name of P.ObjectGetOwnPropertyNames(cur)) P.SetPrototypeAdd(names, name);
    cur = P.ObjectGetPrototypeOf(cur);
  }
  return P.ArrayFrom(names);
}

export function complete(code: string, cursor: number, lexicalNames: string[]): CompletionEntry[] {
  const before = P.StringPrototypeSlice(P.StringCtor(code), 0, P.MathMax(0, cursor | 0));
  const m = P.RegExpPrototypeExec(/(?:([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*)?([A-Za-z_$][\w$]*)?$/, before);
  const chain = m && m[1] ? P.ArrayPrototypeMap(P.StringPrototypeSplit(m[1], '.'), (s) => P.StringPrototypeTrim(s)) : [];
  const prefix = (m && m[2]) || '';
  const items: CompletionEntry[] = [];
  const seen = new P.SetCtor<string>();
  const add = (label: string, kind: string) => {
    if (items.length >= MAX_ITEMS || P.SetPrototypeHas(seen, label) || !P.StringPrototypeStartsWith(label, prefix)) return;
    P.SetPrototypeAdd(seen, label);
    P.ArrayPrototypePush(items, { label, kind });
  };
  if (m && m[1]) {
    // Resolve the chain: the first name is a global property or a global let/const.
    let value: unknown;
    const head = readData(P.G, chain[0]);
    if (head.found) value = head.value;
    else if (P.ArrayPrototypeIncludes(lexicalNames, chain[0]) && P.RegExpPrototypeExec(/^[A-Za-z_$][\w$]*$/, chain[0]) !== null) {
      try {
        value = globalEval(chain[0]);
      } catch {
        return [];
      }
    } else return [];
    for (let i = 1; i < chain.length; i++) {
      if (value === null || value === undefined) return [];
      const next = readData(value, chain[i]);
      if (!next.found) return [];
      value = next.value;
    }
    if (value === null || value === undefined) return [];
    for (const name of propertyNames(value)) {
      if (P.RegExpPrototypeExec(/^[A-Za-z_$][\w$]*$/, name) === null || name === '__proto__') continue;
      const d = readData(value, name);
      add(name, d.found ? kindOf(d.value, 'property') : 'property');
    }
  } else {
    for (const name of lexicalNames) {
      if (P.RegExpPrototypeExec(/^[A-Za-z_$][\w$]*$/, name) === null) continue;
      let v: unknown;
      try {
        v = globalEval(name);
      } catch {
        v = undefined;
      }
      add(name, kindOf(v, 'variable'));
    }
    for (const name of propertyNames(P.G)) {
      if (P.RegExpPrototypeExec(/^[A-Za-z_$][\w$]*$/, name) === null || name === '__proto__') continue;
      if (P.StringPrototypeStartsWith(name, '__vms')) continue; // the runtime's own hidden globals
      const d = readData(P.G, name);
      add(name, d.found ? kindOf(d.value, 'variable') : 'variable');
    }
    for (const k of KEYWORDS) add(k, 'keyword');
  }
  return P.ArrayPrototypeSort(items, (a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
