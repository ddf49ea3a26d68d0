/**
 * Live comments (Quokka's convention): `//?` at the end of a line reports the
 * value of the statement on that line, `/*?*\/` right after an expression
 * reports that expression. The text is rewritten before it is sent: the
 * marked expression is wrapped in a call to a hidden reporter that logs
 * `MARK line MARK value`, defined on a line appended at the end. Line numbers
 * never change; a column moves only on a line that got a wrapper, and
 * `originalColumn` maps it back. No `vscode` import: unit-tested.
 *
 * JavaScript is parsed with acorn. TypeScript that acorn cannot parse (type
 * annotations) gets a line-based fallback for `//?` only: a declaration
 * `const x… = … //?` reports `x`, a self-contained expression line is
 * wrapped.
 */
import { parse, type Comment, type Node } from 'acorn';

/** Starts every reporter line: invisible in the editor, unlikely in user output. */
export const MARK = '\u2063vms\u2063';

export interface Insertion {
  /** 0-based line and column in the original text. */
  line: number;
  column: number;
  length: number;
}

export interface LiveSource {
  code: string;
  /** 1-based lines that carry a live comment. */
  marked: number[];
  insertions: Insertion[];
}

type AnyNode = Node & Record<string, unknown>;

export function rewriteLive(text: string, reporter: string, typescript = false): LiveSource {
  if (!text.includes('//?') && !text.includes('/*?*/')) return { code: text, marked: [], insertions: [] };
  const edits = parsed(text, reporter) ?? (typescript ? byLines(text, reporter) : undefined) ?? [];
  return apply(text, edits, reporter);
}

interface Edit { pos: number; text: string; line: number }

function parseWith(text: string, sourceType: 'module' | 'script', comments: Comment[]): Node | undefined {
  try {
    return parse(text, {
      ecmaVersion: 'latest', sourceType, locations: true, onComment: comments,
      allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowHashBang: true,
    });
  } catch {
    comments.length = 0;
    return undefined;
  }
}

function parsed(text: string, reporter: string): Edit[] | undefined {
  const comments: Comment[] = [];
  const ast = parseWith(text, 'module', comments) ?? parseWith(text, 'script', comments);
  if (!ast) return undefined;
  const nodes: Array<{ node: AnyNode; parent?: AnyNode }> = [];
  walk(ast as AnyNode, undefined, nodes);
  const edits: Edit[] = [];
  const lines = lineStarts(text);
  for (const c of comments) {
    const line = lineOf(lines, c.start) + 1;
    if (c.type === 'Line' && c.value.trim() === '?') {
      // The outermost statement that ends on this line, before the comment.
      const candidates = nodes.filter(({ node, parent }) => isStatementLevel(parent) && node.end <= c.start && lineOf(lines, node.end - 1) + 1 === line);
      const target = candidates.sort((a, b) => a.node.start - b.node.start)[0];
      if (target) edits.push(...report(target.node, line, reporter));
    } else if (c.type === 'Block' && c.value === '?') {
      let end = c.start;
      while (end > 0 && /\s/.test(text[end - 1])) end--;
      const target = nodes.find(({ node, parent }) => node.end === end && isExpression(node) && wrappable(node, parent));
      if (target) edits.push(...wrap(target.node, line, reporter));
    }
  }
  return edits;
}

function report(node: AnyNode, line: number, reporter: string): Edit[] {
  switch (node.type) {
    case 'ExpressionStatement': return wrap(node.expression as AnyNode, line, reporter);
    case 'ReturnStatement': return node.argument ? wrap(node.argument as AnyNode, line, reporter) : [];
    case 'VariableDeclaration': {
      const last = (node.declarations as AnyNode[]).at(-1);
      if (!last) return [];
      const id = last.id as AnyNode;
      if (id.type === 'Identifier') return [{ pos: node.end, text: `;${reporter}(${line}, ${id.name as string})`, line }];
      return last.init ? wrap(last.init as AnyNode, line, reporter) : [];
    }
    default: return [];
  }
}

function wrap(node: AnyNode, line: number, reporter: string): Edit[] {
  return [{ pos: node.start, text: `${reporter}(${line}, (`, line }, { pos: node.end, text: '))', line }];
}

function isStatementLevel(parent: AnyNode | undefined): boolean {
  return !!parent && ['Program', 'BlockStatement', 'StaticBlock', 'SwitchCase'].includes(parent.type);
}

function isExpression(node: AnyNode): boolean {
  return /Expression$|^Identifier$|^Literal$|^TemplateLiteral$/.test(node.type);
}

/** Places where an expression cannot be wrapped in a call (assignment targets, keys, `x.name`). */
function wrappable(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return false;
  const t = parent.type;
  if (t === 'AssignmentExpression' && parent.left === node) return false;
  if (t === 'UpdateExpression' || t.endsWith('Pattern') || t === 'ChainExpression') return false;
  if (t === 'VariableDeclarator' && parent.id === node) return false;
  if ((t === 'ForInStatement' || t === 'ForOfStatement') && parent.left === node) return false;
  if ((t === 'Property' || t === 'MethodDefinition' || t === 'PropertyDefinition') && parent.key === node && !parent.computed) return false;
  if (t === 'MemberExpression' && parent.property === node && !parent.computed) return false;
  return true;
}

function walk(node: AnyNode, parent: AnyNode | undefined, out: Array<{ node: AnyNode; parent?: AnyNode }>): void {
  out.push({ node, parent });
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') walk(child as AnyNode, node, out);
    } else if (value && typeof value === 'object' && typeof (value as AnyNode).type === 'string') {
      walk(value as AnyNode, node, out);
    }
  }
}

/** TypeScript acorn cannot read: `//?` lines only, judged line by line. */
function byLines(text: string, reporter: string): Edit[] {
  const edits: Edit[] = [];
  const starts = lineStarts(text);
  text.split('\n').forEach((raw, i) => {
    const m = /^(.*?)\s*\/\/\?\s*$/.exec(raw.replace(/\r$/, ''));
    if (!m || m[1].trim() === '' || m[1].includes('//')) return;
    const code = m[1].replace(/;\s*$/, '');
    const line = i + 1;
    const declared = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\b/.exec(code);
    if (declared) {
      edits.push({ pos: starts[i] + code.length, text: `;${reporter}(${line}, ${declared[1]})`, line });
      return;
    }
    const start = code.length - code.trimStart().length;
    const body = code.slice(start);
    if (/^(if|for|while|do|switch|return|function|class|import|export|interface|type|enum|declare|namespace|try|catch|finally|else)\b|^[{}]/.test(body) || !balanced(body)) return;
    edits.push({ pos: starts[i] + start, text: `${reporter}(${line}, (`, line }, { pos: starts[i] + code.length, text: '))', line });
  });
  return edits;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '')) {
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth < 0) return false;
  }
  return depth === 0 && !/[,=+\-*/(&|?:]$/.test(s.trim());
}

function apply(text: string, edits: Edit[], reporter: string): LiveSource {
  const starts = lineStarts(text);
  const insertions: Insertion[] = [];
  let code = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.pos - b.pos)) {
    code += text.slice(at, e.pos) + e.text;
    at = e.pos;
    const line = lineOf(starts, e.pos);
    insertions.push({ line, column: e.pos - starts[line], length: e.text.length });
  }
  code += text.slice(at);
  // Appended on a line of its own: the file's lines keep their numbers. A function declaration is hoisted.
  code += `\n;function ${reporter}(l, v) { console.log(${JSON.stringify(MARK)} + l + ${JSON.stringify(MARK)}, typeof v === 'string' ? "'" + v + "'" : v); return v; }\n`;
  return { code, marked: [...new Set(edits.map((e) => e.line))].sort((a, b) => a - b), insertions };
}

/** A 1-based column of the rewritten text → the column of the original text on that 0-based line. */
export function originalColumn(insertions: readonly Insertion[], line: number, column: number): number {
  let c = column - 1;
  let shift = 0;
  for (const ins of insertions.filter((i) => i.line === line).sort((a, b) => a.column - b.column)) {
    const at = ins.column + shift;
    if (c >= at + ins.length) shift += ins.length;
    else if (c >= at) return ins.column + 1;
    else break;
  }
  return c - shift + 1;
}

/** A reporter console line → its 1-based line and the value's text; undefined for any other line. */
export function reported(text: string): { line: number; value: string } | undefined {
  if (!text.startsWith(MARK)) return undefined;
  const end = text.indexOf(MARK, MARK.length);
  if (end === -1) return undefined;
  const line = Number(text.slice(MARK.length, end));
  return Number.isInteger(line) ? { line, value: text.slice(end + MARK.length).replace(/^ /, '') } : undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 0-based line of an offset. */
function lineOf(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
