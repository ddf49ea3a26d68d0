/**
 * The house rules of docs/architecture.md, checked on the sources: who may
 * import what. Cheaper than a lint setup, and it fails the build the same way.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? sources(rel) : /\.ts$/.test(name) ? [rel] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|(?<!typeof )import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Resolves a relative import to a repo path (without extension) so rules can name folders. */
function target(file: string, spec: string): string {
  return spec.startsWith('.') ? path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)) : spec;
}

function violations(dir: string, forbidden: (t: string) => boolean): string[] {
  return sources(dir).flatMap((file) => imports(file).filter((spec) => forbidden(target(file, spec))).map((spec) => `${file} imports ${spec}`));
}

test('server/core talks to the world only through its ports', () => {
  const io = /^(vscode-jsonrpc|isolated-vm|sql\.js|chokidar|node:|fs$|path$|child_process$)|^server\/(store|runtime|transport|files|git|libraries|modules)\b/;
  assert.deepEqual(violations('server/core', (t) => io.test(t)), []);
});

test('only server/runtime imports isolated-vm; only server/store and server/modules import sql.js; only server/transport imports vscode-jsonrpc on the daemon side', () => {
  const outside = (dir: string, spec: RegExp): string[] =>
    ['server', 'cli', 'extension'].flatMap((d) => sources(d)).filter((f) => !f.startsWith(dir))
      .flatMap((file) => imports(file).filter((s) => spec.test(s)).map((s) => `${file} imports ${s}`));
  assert.deepEqual(outside('server/runtime/', /^isolated-vm$/), []);
  assert.deepEqual(outside('server/store/', /^sql\.js/).filter((v) => !v.startsWith('server/modules/')), []);
  const daemonSide = ['server/core', 'server/store', 'server/runtime', 'server/files', 'server/git', 'server/libraries', 'server/modules'];
  assert.deepEqual(daemonSide.flatMap((d) => violations(d, (t) => /^vscode-jsonrpc/.test(t))), []);
});

test('cli/, client/ and extension/ import nothing of server/ but server/protocol', () => {
  const rule = (t: string): boolean => t.startsWith('server/') && !t.startsWith('server/protocol');
  assert.deepEqual([...violations('cli', rule), ...violations('client', rule), ...violations('extension', rule)], []);
});

test('client/ (the public vm-system/client) imports nothing of cli/ or extension/', () => {
  assert.deepEqual(violations('client', (t) => /^(cli|extension)\//.test(t)), []);
});

test('server/protocol uses no Node APIs', () => {
  assert.deepEqual(violations('server/protocol', (t) => /^node:|^(fs|path|os|child_process)$/.test(t)), []);
});

/** Code lines (comments dropped) that use a Node global: imports are not the only way in. */
function nodeGlobals(dir: string): string[] {
  return sources(dir).flatMap((file) => readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '').split('\n').map((line, i) => [line.replace(/\/\/.*$/, ''), i + 1] as const)
    .filter(([line]) => /(?<![.\w$])(Buffer|process|__dirname|__filename)\b(?!\s*[:?]\s)|(?<![.\w$])require\s*\((?![^)]*\)\s*[:{])/.test(line.replace(/(['"`]).*?\1/g, '')))
    .map(([line, n]) => `${file}:${n}: ${line.trim()}`));
}

test('server/protocol and server/core use no Node globals (Buffer, process, require)', () => {
  assert.deepEqual([...nodeGlobals('server/protocol'), ...nodeGlobals('server/core')], []);
});
