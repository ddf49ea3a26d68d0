/**
 * An ES-module package bundled as an ES module (bundle.ts, shape `exports`)
 * made into what the session's `require` answers: esbuild's output ends with
 * one export clause, `export { local as name, … };`, which becomes
 * `module.exports = Object.defineProperty({ get name() { return local; }, … },
 * '__esModule', { value: true });` on as many lines, so the source map still
 * holds. The getters keep ES modules' live bindings.
 *
 * Why not esbuild's own namespace object (`import * as ns`): esbuild builds
 * it with one `Object.defineProperty` per export, which V8 makes quadratic in
 * the number of exports (fresh isolate, Node 20: 200 exports 0.33 ms, 800
 * exports 2.3 ms), where an object literal of getters is linear (0.08 ms,
 * 0.31 ms). Unlike a namespace's, these getters are configurable.
 *
 * Undefined (the caller bundles another way) when the output is not that:
 * `export *` of a CommonJS module (names known only at run time), or code a
 * script cannot hold (`import.meta`, top-level `await`).
 */
import { Script } from 'node:vm';

/** The clause, then the bundle's footer (`})`). */
const CLAUSE = /\nexport \{\n((?: {2}[^\n]*\n)*?)\};\n(\}\)\n?)$/;
/** `local` or `local as name`; a name that is not an identifier is a string literal. */
const ITEM = /^([\w$]+)(?: as ([\w$]+|"(?:[^"\\]|\\.)*"))?,?$/;

export function exportsAsObject(code: string, withoutDefault: boolean): string | undefined {
  const clause = CLAUSE.exec(code);
  if (!clause || code.includes('__reExport(')) return undefined;
  const getters: string[] = [];
  let marked = false;
  for (const line of clause[1].split('\n').slice(0, -1)) {
    const item = ITEM.exec(line.trim());
    if (!item) return undefined;
    const [, local, name = local] = item;
    const key = name.startsWith('"') ? JSON.parse(name) as string : name;
    if (key === '__esModule') marked = true;
    // The entry's `export default` of a package without one: esbuild warned, and Node's namespace has no `default`.
    getters.push(key === 'default' && withoutDefault ? '' : `  get ${name}() { return ${local}; },`);
  }
  const open = marked ? 'module.exports = {' : 'module.exports = Object.defineProperty({';
  const close = marked ? '};' : "}, '__esModule', { value: true });";
  const rewritten = `${code.slice(0, clause.index)}\n${open}\n${getters.map((g) => `${g}\n`).join('')}${close}\n${clause[2]}`;
  try {
    // Parsed (functions only pre-parsed), not run: a SyntaxError means a script cannot hold this module.
    new Script(rewritten);
  } catch {
    return undefined;
  }
  return rewritten;
}
