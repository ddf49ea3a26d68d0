/**
 * Renders the method reference of docs/protocol.md from the contract itself,
 * so the document cannot drift: a test compares the file with this output,
 * and `npm run docs` rewrites it.
 */
import * as z from 'zod';
import { AREAS } from './index';
import { ErrorCodes } from './errors';

export const BEGIN = '<!-- generated from server/protocol by `npm run docs`: do not edit by hand -->';
export const END = '<!-- end of generated reference -->';

type Json = { [key: string]: unknown };

export function renderReference(): string {
  const lines: string[] = [BEGIN, '', '## Methods', ''];
  for (const area of AREAS) {
    lines.push(`### ${area.title}`, '');
    for (const def of area.defs) {
      const dir = def.direction === 'serverToClient' ? 'server → client ' : '';
      lines.push(`#### \`${def.method}\` (${dir}${def.kind})`, '', def.doc, '');
      lines.push('```ts', `params: ${shape(def.params, 'input')}`);
      if (def.kind === 'request') lines.push(`result: ${shape(def.result, 'output')}`);
      lines.push('```', '');
    }
  }
  lines.push('## Error codes', '', '| data.code | code | when |', '|---|---|---|');
  for (const [name, { code, doc }] of Object.entries(ErrorCodes)) lines.push(`| \`${name}\` | ${code} | ${doc} |`);
  lines.push('', END);
  return lines.join('\n');
}

function shape(schema: z.ZodType, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return render(json, json, 0);
}

function render(node: Json, root: Json, depth: number): string {
  if (typeof node.$ref === 'string') {
    const target = node.$ref.replace('#/$defs/', '');
    const def = (root.$defs as Record<string, Json> | undefined)?.[target];
    return def && depth < 6 ? render(def, root, depth + 1) : target;
  }
  if (Array.isArray(node.anyOf)) return (node.anyOf as Json[]).map((n) => render(n, root, depth)).join(' | ');
  if (Array.isArray(node.oneOf)) return (node.oneOf as Json[]).map((n) => render(n, root, depth)).join(' | ');
  if ('const' in node) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) return (node.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(node.type)) return (node.type as string[]).map((t) => render({ ...node, type: t }, root, depth)).join(' | ');
  const dflt = 'default' in node ? ` = ${JSON.stringify(node.default)}` : '';
  switch (node.type) {
    case 'string': return 'string' + (node.pattern ? ' (uuid)' : '') + dflt;
    case 'integer': return 'integer' + range(node) + dflt;
    case 'number': return 'number' + range(node) + dflt;
    case 'boolean': return 'boolean' + dflt;
    case 'null': return 'null';
    case 'array':
      // A tuple: its items by position.
      if (Array.isArray(node.prefixItems)) return `[${(node.prefixItems as Json[]).map((n) => render(n, root, depth)).join(', ')}]`;
      return `${wrap(render((node.items ?? {}) as Json, root, depth))}[]`;
    case 'object': {
      const props = (node.properties ?? {}) as Record<string, Json>;
      const required = new Set((node.required ?? []) as string[]);
      const keys = Object.keys(props);
      if (keys.length === 0) return node.additionalProperties && typeof node.additionalProperties === 'object' ? `Record<string, ${render(node.additionalProperties as Json, root, depth)}>` : '{}';
      const pad = '  '.repeat(depth + 1);
      const body = keys.map((k) => `${pad}${k}${required.has(k) ? '' : '?'}: ${render(props[k], root, depth + 1)}`).join(',\n');
      return `{\n${body}\n${'  '.repeat(depth)}}${dflt}`;
    }
    default: return 'unknown';
  }
}

function range(node: Json): string {
  const bound = (v: unknown): unknown => (typeof v === 'number' && Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v);
  const min = bound(node.minimum) ?? (node.exclusiveMinimum !== undefined ? `>${node.exclusiveMinimum}` : undefined);
  const max = bound(node.maximum);
  if (min === undefined && max === undefined) return '';
  return ` (${min ?? ''}..${max ?? ''})`;
}

const wrap = (s: string): string => (s.includes(' | ') || s.includes('\n') ? `(${s})` : s);

/** `npm run docs`: rewrites the generated section of docs/protocol.md in place. */
export function updateDoc(file: string, read: (f: string) => string, write: (f: string, s: string) => void): void {
  const doc = read(file);
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  const head = start >= 0 ? doc.slice(0, start) : `${doc.trimEnd()}\n\n`;
  const tail = end >= 0 ? doc.slice(end + END.length) : '\n';
  write(file, head + renderReference() + tail);
}
