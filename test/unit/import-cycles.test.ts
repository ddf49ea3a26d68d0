/**
 * No import cycles: between files of the shipped code, and between folders of
 * server/. A cycle means neither side can be read, tested or changed alone.
 * Imports are read with the TypeScript compiler's parser (type-only imports
 * and re-exports aside: they vanish from the build). Also: every runtime
 * dependency in package.json is imported by that code.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const CODE = ['server', 'cli', 'client', 'extension'];

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return name === 'node_modules' ? [] : sources(rel);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The module specifiers a file imports (static, re-export, dynamic, require); type-only ones only with `types`. */
function imports(file: string, types = false): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && clause.namedBindings !== undefined
        && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0
        && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (types || !typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause)
        && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (types || !typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && (types || !node.isTypeOnly) && ts.isExternalModuleReference(node.moduleReference)
      && ts.isStringLiteral(node.moduleReference.expression)) {
      specs.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

/** A relative specifier as the repo path of the .ts file it names; undefined for packages. */
function resolve(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((f) => existsSync(path.join(ROOT, f)));
}

type Graph = Map<string, Set<string>>;

function fileGraph(types = false): Graph {
  const graph: Graph = new Map();
  for (const file of CODE.flatMap(sources)) {
    const edges = new Set<string>();
    for (const spec of imports(file, types)) {
      const to = resolve(file, spec);
      if (to !== undefined && to !== file) edges.add(to);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: Graph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) connect(v);
  return found.sort();
}

const key = (cycle: string[]): string => cycle.join(' <-> ');

test('no import cycle between files of server/, cli/, client/ and extension/', () => {
  assert.deepEqual(cycles(fileGraph()).map(key), []);
});

test('no two folders of server/ import each other (a folder with its subfolders; type-only imports count)', () => {
  assert.deepEqual(cycles(folderGraph((file) => file.split('/').slice(0, 2).join('/'))).map(key), []);
});

test('the runtime host has no import cycle even counting type-only imports (narrow interfaces are passed in instead)', () => {
  const host = new Map([...fileGraph(true)].filter(([f]) => f.startsWith('server/runtime/')));
  assert.deepEqual(cycles(host).map(key), []);
});

function folderGraph(folderOf: (file: string) => string): Graph {
  const graph: Graph = new Map();
  for (const [from, tos] of fileGraph(true)) {
    if (!from.startsWith('server/')) continue;
    const edges = graph.get(folderOf(from)) ?? new Set<string>();
    for (const to of tos) if (to.startsWith('server/') && folderOf(to) !== folderOf(from)) edges.add(folderOf(to));
    graph.set(folderOf(from), edges);
  }
  return graph;
}

test('every runtime dependency in package.json is imported by the code', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  // Type-only imports count: a package the public types name (vscode-languageserver-protocol) is a dependency of their users.
  const imported = new Set(CODE.flatMap(sources).flatMap((f) => imports(f, true)).filter((s) => !s.startsWith('.'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0])));
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}).filter((name) => !imported.has(name)), []);
});

test('the cycle finder finds a cycle (so the checks above can fail)', () => {
  const graph: Graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
  assert.deepEqual(cycles(graph), [['a', 'b', 'c']]);
});
