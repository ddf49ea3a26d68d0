/**
 * A value event → an expandable tree for the REPL panel. The tree is built
 * from `json` when the daemon could serialise the value, else the value is a
 * leaf showing `preview` (maps, sets, functions…). Pure; unit-tested.
 */
import type { ValuePayload } from '../server/protocol';

export interface TreeNode {
  /** Property name or index; absent at the root. */
  label?: string;
  /** One-line rendering (`{ a: 1 }`, `'str'`, `42`). */
  text: string;
  /** A CSS-friendly kind for colouring: string, number, boolean, null, object, array, other. */
  kind: 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array' | 'other';
  children?: TreeNode[];
}

export interface TreeLimits {
  /** Children shown per node before a `… N more` leaf. */
  maxChildren: number;
  /** Nodes in the whole tree before the rest is elided. */
  maxNodes: number;
  /** Characters of a one-line rendering. */
  maxText: number;
}

export const DEFAULT_LIMITS: TreeLimits = { maxChildren: 100, maxNodes: 2000, maxText: 120 };

export function valueTree(value: ValuePayload, limits: TreeLimits = DEFAULT_LIMITS): TreeNode {
  const json = value.json;
  if (json !== undefined && json !== null && typeof json === 'object' && (value.type === 'object' || value.type === 'array')) {
    const budget = { nodes: limits.maxNodes };
    const root = fromJson(json, undefined, limits, budget);
    return { ...root, text: clip(value.preview.replace(/\s*\n\s*/g, ' '), limits.maxText) };
  }
  return { text: value.preview, kind: leafKind(value.type) };
}

function leafKind(type: ValuePayload['type']): TreeNode['kind'] {
  switch (type) {
    case 'string': return 'string';
    case 'number': case 'bigint': return 'number';
    case 'boolean': return 'boolean';
    case 'null': case 'undefined': return 'null';
    default: return 'other';
  }
}

function fromJson(v: unknown, label: string | undefined, limits: TreeLimits, budget: { nodes: number }): TreeNode {
  budget.nodes--;
  if (v === null) return { label, text: 'null', kind: 'null' };
  if (typeof v === 'string') return { label, text: clip(quote(v), limits.maxText), kind: 'string' };
  if (typeof v === 'number') return { label, text: String(v), kind: 'number' };
  if (typeof v === 'boolean') return { label, text: String(v), kind: 'boolean' };
  if (typeof v !== 'object') return { label, text: String(v), kind: 'other' };
  const isArray = Array.isArray(v);
  const entries: Array<[string, unknown]> = isArray ? v.map((x, i) => [String(i), x]) : Object.entries(v as object);
  const children: TreeNode[] = [];
  for (const [k, x] of entries) {
    if (children.length >= limits.maxChildren || budget.nodes <= 0) {
      children.push({ text: `… ${entries.length - children.length} more`, kind: 'other' });
      break;
    }
    children.push(fromJson(x, k, limits, budget));
  }
  return { label, text: clip(summary(v, isArray), limits.maxText), kind: isArray ? 'array' : 'object', children };
}

/** `[ 1, 2, 3 ]` / `{ a: 1, b: 'x' }`, like util.inspect on one line. */
export function summary(v: unknown, isArray = Array.isArray(v), depth = 0): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return depth === 0 ? v : quote(v);
  if (typeof v !== 'object') return String(v);
  if (depth > 1) return isArray ? '[Array]' : '[Object]';
  if (isArray) {
    const a = v as unknown[];
    return a.length === 0 ? '[]' : `[ ${a.slice(0, 20).map((x) => summary(x, Array.isArray(x), depth + 1)).join(', ')}${a.length > 20 ? ', …' : ''} ]`;
  }
  const e = Object.entries(v as object);
  return e.length === 0 ? '{}' : `{ ${e.slice(0, 20).map(([k, x]) => `${key(k)}: ${summary(x, Array.isArray(x), depth + 1)}`).join(', ')}${e.length > 20 ? ', …' : ''} }`;
}

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
