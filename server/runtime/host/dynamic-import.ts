/**
 * `import('ms')` → `__vmsImport('ms')`: isolated-vm gives scripts and modules
 * no dynamic import, so the call goes to the bootstrap's package loader
 * instead (a promise of the package's namespace, see isolate/packages.ts).
 * Only the keyword is replaced; the rest of the line keeps its columns
 * shifted by five characters at most once per call.
 */
import * as acorn from 'acorn';

const MAYBE = /\bimport\s*\(/;

type AnyNode = acorn.Node & Record<string, any>;

function visit(node: AnyNode, out: number[]): void {
  if (node.type === 'ImportExpression') out.push(node.start);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v.type === 'string') visit(v, out);
    } else if (value && typeof value.type === 'string') {
      visit(value, out);
    }
  }
}

export function rewriteDynamicImport(code: string, sourceType: 'script' | 'module'): string {
  if (!MAYBE.test(code)) return code;
  let program: AnyNode;
  try {
    program = acorn.parse(code, { ecmaVersion: 'latest', sourceType, allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowHashBang: true }) as AnyNode;
  } catch {
    return code; // V8 reports the syntax error
  }
  const starts: number[] = [];
  visit(program, starts);
  let out = code;
  for (const start of starts.sort((a, b) => b - a)) out = `${out.slice(0, start)}__vmsImport${out.slice(start + 'import'.length)}`;
  return out;
}
