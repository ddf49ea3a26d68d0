/**
 * REPL input → script text, the way Node's REPL does it:
 *
 * - `{ a: 1 }` alone is an object literal, not a block (wrapped in parens when
 *   that parses);
 * - top-level `await`: the input is wrapped in an async arrow function whose
 *   last expression is returned, and its declarations are hoisted out of it
 *   (`const x = await f()` → `let x; (async () => { void (x = await f()) })()`)
 *   so that `x` is still there in the next input. As in Node, `const` becomes
 *   `let` and functions/classes become assignments.
 *
 * Parsing uses acorn; the output keeps the user's line numbers (the wrapper
 * and hoisted declarations sit on an extra first line: `lineOffset` -1).
 */
import * as acorn from 'acorn';

export interface PreparedScript {
  code: string;
  /** Passed to compileScript so stack lines match the user's text. */
  lineOffset: number;
  /** Top-level let/const/class names the input declares (for completion). */
  lexicalNames: string[];
  /** The input is wrapped so that what it throws reaches `_error` as is (see catchThrown). */
  catches?: boolean;
}

type AnyNode = acorn.Node & Record<string, any>;

const PARSE: acorn.Options = { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true };
const WRAP_PREFIX = '(async () => {\n';
const WRAP_SUFFIX = '\n})()';

function tryParse(code: string, options: acorn.Options = PARSE): AnyNode | undefined {
  try {
    return acorn.parse(code, options) as AnyNode;
  } catch {
    return undefined;
  }
}

function isFunction(node: AnyNode): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v.type === 'string') out.push(v);
    } else if (value && typeof value.type === 'string') {
      out.push(value);
    }
  }
  return out;
}

/** Visits nodes outside nested functions and class bodies (where a top-level await can live). */
function walkTop(node: AnyNode, visit: (n: AnyNode, parent: AnyNode | null) => void, parent: AnyNode | null = null): void {
  visit(node, parent);
  if (isFunction(node) || node.type === 'ClassBody') return;
  for (const child of children(node)) walkTop(child, visit, node);
}

function patternNames(node: AnyNode | null, out: string[]): void {
  if (!node) return;
  switch (node.type) {
    case 'Identifier': out.push(node.name); break;
    case 'ObjectPattern': for (const p of node.properties) patternNames(p.type === 'RestElement' ? p.argument : p.value, out); break;
    case 'ArrayPattern': for (const e of node.elements) patternNames(e, out); break;
    case 'RestElement': patternNames(node.argument, out); break;
    case 'AssignmentPattern': patternNames(node.left, out); break;
  }
}

/** Top-level lexical names declared by a parsed script. */
export function declaredLexicalNames(program: AnyNode): string[] {
  const names: string[] = [];
  for (const stmt of program.body as AnyNode[]) {
    if (stmt.type === 'VariableDeclaration' && stmt.kind !== 'var') for (const d of stmt.declarations) patternNames(d.id, names);
    if (stmt.type === 'ClassDeclaration' && stmt.id) names.push(stmt.id.name);
  }
  return names;
}

/** Top-level lexical names of a file's source, best effort (a parse error gives none). */
export function scriptLexicalNames(source: string): string[] {
  const program = tryParse(source);
  return program ? declaredLexicalNames(program) : [];
}

function rewriteAwait(input: string): PreparedScript | undefined {
  const program = tryParse(WRAP_PREFIX + input + WRAP_SUFFIX);
  if (!program) return undefined;
  const arrow = (program.body[0] as AnyNode).expression.callee as AnyNode;
  const body = arrow.body.body as AnyNode[];
  let hasAwait = false;
  let hasReturn = false;
  for (const stmt of body) {
    walkTop(stmt, (n) => {
      if (n.type === 'AwaitExpression' || (n.type === 'ForOfStatement' && n.await)) hasAwait = true;
      if (n.type === 'ReturnStatement') hasReturn = true;
    });
  }
  if (!hasAwait || hasReturn) return undefined;

  const offset = WRAP_PREFIX.length;
  const edits: Array<{ at: number; end: number; text: string }> = [];
  const hoisted: string[] = [];
  const lexicalNames: string[] = [];
  const hoist = (node: AnyNode) => {
    const names: string[] = [];
    for (const d of node.declarations) patternNames(d.id, names);
    if (names.length) hoisted.push(`${node.kind === 'var' ? 'var' : 'let'} ${names.join(', ')}; `);
    if (node.kind !== 'var') lexicalNames.push(...names);
  };
  const visit = (node: AnyNode, parent: AnyNode | null, topLevel: boolean) => {
    if (node.type === 'VariableDeclaration' && (node.kind === 'var' || topLevel)) {
      hoist(node);
      if (parent && (parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && parent.left === node) {
        // `for (var x of xs)` → `for (x of xs)`
        edits.push({ at: node.start, end: node.start + node.kind.length, text: '' });
        return;
      }
      // `const a = 1, b` → `void ((a = 1), (b=undefined))`
      edits.push({ at: node.start, end: node.start + node.kind.length, text: node.declarations.length === 1 ? 'void' : 'void (' });
      for (const d of node.declarations as AnyNode[]) {
        edits.push({ at: d.start, end: d.start, text: '(' });
        edits.push({ at: d.end, end: d.end, text: d.init ? ')' : '=undefined)' });
      }
      if (node.declarations.length !== 1) edits.push({ at: node.declarations[node.declarations.length - 1].end, end: node.declarations[node.declarations.length - 1].end, text: ')' });
    } else if (node.type === 'FunctionDeclaration' && topLevel) {
      hoisted.push(`var ${node.id.name}; `);
      edits.push({ at: node.start, end: node.start, text: `this.${node.id.name} = ${node.id.name}; ` });
    } else if (node.type === 'ClassDeclaration' && topLevel) {
      hoisted.push(`let ${node.id.name}; `);
      lexicalNames.push(node.id.name);
      edits.push({ at: node.start, end: node.start, text: `${node.id.name}=` });
    }
  };
  for (const stmt of body) walkTop(stmt, (n, parent) => visit(n, parent, n === stmt));
  const last = body[body.length - 1];
  if (last && last.type === 'ExpressionStatement') {
    edits.push({ at: last.start, end: last.start, text: 'return (' });
    edits.push({ at: last.expression.end, end: last.expression.end, text: ')' });
  }
  let out = '';
  let pos = offset;
  const source = WRAP_PREFIX + input + WRAP_SUFFIX;
  edits.sort((a, b) => a.at - b.at || a.end - b.end);
  for (const e of edits) {
    out += source.slice(pos, e.at) + e.text;
    pos = Math.max(pos, e.end);
  }
  out += source.slice(pos, offset + input.length);
  return { code: `${hoisted.join('')}${WRAP_PREFIX}${out}${WRAP_SUFFIX}`, lineOffset: -1, lexicalNames };
}

/** Input without these needs no parse: nothing to rewrite, no lexical names to remember, V8 reports its syntax errors. */
const NEEDS_PARSE = /\b(?:let|const|class|await)\b|^\s*\{/;

/**
 * `try {\n INPUT \n} catch (e) { remember(e); throw e; }`: the exception reaches
 * `_error` as the very value thrown (isolated-vm hands the host only a copy),
 * and is rethrown unchanged. A try block keeps the input's completion value,
 * and its `var`s, but not top-level `let`/`const`/`class` (they would become
 * block-scoped) nor top-level function declarations (block functions differ
 * in strict mode, and V8 gives them a completion value): such input, and input
 * that does not parse (V8 must report its syntax error on the user's text),
 * is left alone, and the host rebuilds `_error` from what it saw instead.
 */
function catchThrown(p: PreparedScript, input: string, program: AnyNode | undefined, rememberName: string): PreparedScript {
  if (p.lexicalNames.length > 0 || p.lineOffset !== 0) return p;
  if (/^\s*(['"])use strict\1/.test(input) || input.startsWith('#!')) return p;
  const parsed = program ?? tryParse(p.code);
  if (!parsed || declaredLexicalNames(parsed).length > 0) return p;
  if ((parsed.body as AnyNode[]).some((stmt) => stmt.type === 'FunctionDeclaration')) return p;
  return { ...p, code: `try {\n${p.code}\n} catch (${rememberName}$e) { ${rememberName}(${rememberName}$e); throw ${rememberName}$e; }`, lineOffset: -1, catches: true };
}

export function prepareRepl(input: string, strict: boolean, rememberName?: string): PreparedScript {
  let prepared: PreparedScript | undefined;
  const program = NEEDS_PARSE.test(input) ? tryParse(input) : undefined;
  // `{ a: 1 }` is meant as an object, as in Node's REPL (also when it does not parse as a block: `{ a: 1, b: 2 }`).
  if (/^\s*\{/.test(input) && /\}\s*;?\s*$/.test(input) && tryParse(`(${input.trim().replace(/;$/, '')})`)) {
    prepared = { code: `(${input.trim().replace(/;$/, '')})`, lineOffset: 0, lexicalNames: [] };
  } else if (program) {
    prepared = { code: input, lineOffset: 0, lexicalNames: declaredLexicalNames(program) };
  } else if (/\bawait\b/.test(input)) {
    prepared = rewriteAwait(input);
  }
  // Anything else compiles as is, and V8 reports the syntax error.
  prepared ??= { code: input, lineOffset: 0, lexicalNames: [] };
  if (rememberName) prepared = catchThrown(prepared, input, program && prepared.code === input ? program : undefined, rememberName);
  return strict ? strictScript(prepared) : prepared;
}

/** `'use strict'` on an extra first line; `void 0` keeps the directive out of the completion value. */
export function strictScript(p: PreparedScript): PreparedScript {
  const firstNewline = p.code.indexOf('\n');
  if (p.lineOffset === -1 && firstNewline !== -1) {
    return { ...p, code: `'use strict'; void 0; ${p.code}` };
  }
  return { ...p, code: `'use strict'; void 0;\n${p.code}`, lineOffset: p.lineOffset - 1 };
}
