/**
 * Running a worktree file as an ES module (`.mjs`/`.mts`, or `runtime.esm`).
 *
 * Imports resolve inside the worktree only, per the template's `resolver`:
 * relative specifiers against the importing file, bare ones against each of
 * `roots`, `/x` only with `allowAbsoluteRepoImports`; each tried as is, then
 * with each of `extensions`, then as `<dir>/index<ext>`. Symlinks are
 * followed and must stay inside. Enabled native modules import by name
 * (`import fs from 'fs'`). A fresh module graph is built per execution, so a
 * re-run evaluates the files again.
 *
 * isolated-vm's `evaluate()` does not hand back a module's top-level-await
 * promise, so the file is imported by a one-line root module that reports
 * completion through a one-time global; a rejection surfaces as an unhandled
 * rejection, which isolated-vm raises on the next call into the isolate.
 */
import ivm from './ivm';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { anchored, inParent, OutsideError } from '../../files/anchored';
import { contain, worktreeRoot, type ContainedPath, type WorktreeRoot } from '../../files/contained-path';
import { isInside } from '../../files/inside';
import { ImportRefused } from './errors';
import type { Execution } from './execution';
import type { SourceMap } from './source-map';
import type { PreparedSource } from './source';
import { transpile } from './source';
import { moduleTable } from '../../modules/registry';
import { isBareSpecifier } from './packages/locate';

const TS = /\.(m|c)?tsx?$/;

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * What a module graph needs of its session (an IsolateSession): the isolate
 * and context to compile and link in, where source maps go, and the session's
 * one-at-a-time way into the isolate.
 */
export interface ModuleSession {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  readonly spec: { readonly worktreePath: string; readonly modules: readonly string[] };
  readonly sourceMaps: Map<string, SourceMap>;
  call<T>(exec: Execution, fn: () => Promise<T>): Promise<T>;
}

class ModuleGraph {
  /** Modules by absolute path (or `<module:name>`), each compiled once per execution. */
  private readonly byKey = new Map<string, ivm.Module>();
  /** specifier → module, per importing module: the whole graph is loaded before instantiation. */
  private readonly links = new Map<ivm.Module, Map<string, ivm.Module>>();
  private rootReal: WorktreeRoot | undefined;

  constructor(private readonly session: ModuleSession, private readonly exec: Execution) {}

  private get worktree(): string {
    return this.session.spec.worktreePath;
  }

  private rel(abs: string): string {
    return path.relative(this.worktree, abs).split(path.sep).join('/');
  }

  /** Compiles a module and, depth first, everything it imports. */
  async load(key: string, code: string, filename: string, referrerDir: string): Promise<ivm.Module> {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const module = await this.session.call(this.exec, () => this.session.isolate.compileModule(code, { filename }));
    this.byKey.set(key, module);
    const links = new Map<string, ivm.Module>();
    this.links.set(module, links);
    for (const specifier of module.dependencySpecifiers) {
      links.set(specifier, await this.dependency(specifier, referrerDir, filename));
    }
    return module;
  }

  /** The module a resolved graph gives for `specifier` imported by `referrer`. */
  link = (specifier: string, referrer: ivm.Module): ivm.Module => {
    const module = this.links.get(referrer)?.get(specifier);
    if (!module) throw new Error(`Cannot find module '${specifier}'`);
    return module;
  };

  private async dependency(specifier: string, referrerDir: string, referrerName: string): Promise<ivm.Module> {
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    const functions = moduleTable(this.session.spec.modules)[bare];
    if (functions) {
      const named = functions.map((f) => `export const ${f} = m.${f};`).join('\n');
      return this.load(`<module:${bare}>`, `const m = require(${JSON.stringify(bare)});\nexport default m;\n${named}`, `<module:${bare}>`, this.worktree);
    }
    // The file being run may exist only as supplied text: an import of it (the root's, or a cycle back to it) finds it here.
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      const loaded = this.byKey.get(path.resolve(referrerDir, specifier));
      if (loaded) return loaded;
    }
    const notFound = () => {
      const err = new Error(`Cannot find module '${specifier}' imported from ${referrerName}`);
      err.stack = `Error: ${err.message}`;
      return err;
    };
    // A file that vanishes between the lookups (ENOENT, ENOTDIR, ELOOP) is not found: the host's error names host paths.
    const isErrno = (err: unknown) => typeof (err as NodeJS.ErrnoException)?.code === 'string' && !(err instanceof ImportRefused);
    const located = await this.locate(specifier, referrerDir).catch((err: unknown) => { throw isErrno(err) ? notFound() : err; });
    if (!located && isBareSpecifier(specifier)) return this.packageFacade(specifier, referrerDir);
    if (!located) throw notFound();
    const { found, real } = located;
    const rel = this.rel(found);
    let code = await this.read(specifier, real).catch((err: unknown) => { throw isErrno(err) ? notFound() : err; });
    if (TS.test(found)) {
      const out = await transpile(code, rel, 'esm');
      code = out.code;
      if (out.map) this.session.sourceMaps.set(rel, out.map);
    }
    return this.load(found, code, rel, path.dirname(found));
  }

  /**
   * An npm package as an ES module: a facade over the session's one instance
   * of it (isolate/packages.ts). Its export names are those of the loaded
   * package, so the package is evaluated while the graph is linked, before the
   * importing file runs (as a CommonJS dependency would be).
   */
  private async packageFacade(specifier: string, referrerDir: string): Promise<ivm.Module> {
    const fromRel = this.rel(referrerDir) || '.';
    const key = `<package:${specifier}@${fromRel}>`;
    if (this.byKey.has(key)) return this.byKey.get(key)!;
    const names = await this.session.call(this.exec, () => this.session.context.evalClosure(
      'return Object.keys(__vmsPackage($0, $1)).filter((k) => k !== "default")',
      [specifier, fromRel], { result: { copy: true }, timeout: this.exec.callTimeout() }) as Promise<string[]>);
    const lines = [`const ns = __vmsPackage(${JSON.stringify(specifier)}, ${JSON.stringify(fromRel)});`, 'export default ns.default;'];
    names.forEach((name, i) => lines.push(`const e${i} = ns[${JSON.stringify(name)}]; export { e${i} as ${JSON.stringify(name)} };`));
    return this.load(key, lines.join('\n'), `<package:${specifier}>`, this.worktree);
  }

  /**
   * The file's text, read from the folder that was checked (server/files/anchored.ts):
   * a folder swapped for a link since locate() cannot lead the read outside.
   */
  private async read(specifier: string, real: ContainedPath): Promise<string> {
    if (!anchored()) return readFile(real, 'utf8');
    try {
      return await inParent(this.rootReal!, real, (p) => readFile(p, { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW }));
    } catch (err) {
      if (err instanceof OutsideError || (err as NodeJS.ErrnoException).code === 'ELOOP') throw new ImportRefused(`import '${specifier}' resolves outside the worktree`);
      throw err;
    }
  }

  /** The worktree file a specifier names (as named, and its real path), or undefined. */
  private async locate(specifier: string, referrerDir: string): Promise<{ found: string; real: ContainedPath } | undefined> {
    const { resolver } = this.exec.request;
    const bases: string[] = [];
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      const base = path.resolve(referrerDir, specifier);
      if (!isInside(this.worktree, base)) throw new ImportRefused(`import '${specifier}' resolves outside the worktree`);
      bases.push(base);
    } else if (specifier.startsWith('/')) {
      if (!resolver.allowAbsoluteRepoImports) throw new ImportRefused(`absolute import '${specifier}' is not allowed (resolver.allowAbsoluteRepoImports is off)`);
      bases.push(path.join(this.worktree, specifier));
    } else {
      for (const root of resolver.roots) bases.push(path.resolve(this.worktree, root, specifier));
    }
    // Refused before anything is looked up: whether a file outside exists must not show in the answer.
    if (bases.some((base) => !isInside(this.worktree, base))) throw new ImportRefused(`import '${specifier}' resolves outside the worktree`);
    this.rootReal ??= await worktreeRoot(this.worktree);
    for (const base of bases) {
      const candidates = [base, ...resolver.extensions.map((e) => base + e), ...resolver.extensions.map((e) => path.join(base, `index${e}`))];
      for (const candidate of candidates) {
        if (!(await isFile(candidate))) continue;
        const real = contain(this.rootReal, await realpath(candidate));
        if (!real) {
          throw new ImportRefused(`import '${specifier}' resolves (through a link) outside the worktree`);
        }
        return { found: candidate, real };
      }
    }
    return undefined;
  }
}

/** Evaluates the file as a module graph; answers a reference to a promise that settles when it has run. */
export async function runModule(session: ModuleSession, exec: Execution, source: PreparedSource): Promise<ivm.Reference> {
  const graph = new ModuleGraph(session, exec);
  const worktree = session.spec.worktreePath;
  const abs = path.resolve(worktree, source.filename);
  await graph.load(abs, source.code, source.filename, path.dirname(abs));
  // The root imports the file by its own path, so the graph reuses it.
  const token = `__vmsModuleDone_${randomBytes(12).toString('hex')}`;
  // The execution's value is the module's default export.
  const rootCode = `import * as ns from ${JSON.stringify('./' + source.filename)};\nglobalThis[${JSON.stringify(token)}](ns.default);\n`;
  const root = await graph.load('<module-root>', rootCode, '<module-root>', worktree);
  await session.call(exec, () => root.instantiate(session.context, graph.link));
  // A promise settled by the root module's last line; the bootstrap reports it like any awaited result.
  const promise = await session.call(exec, () => session.context.evalClosure(
    `let done; const p = new Promise((r) => { done = r; });
     Object.defineProperty(globalThis, $0, { value: (v) => { delete globalThis[$0]; done(v); }, configurable: true });
     return p;`, [token], { result: { reference: true }, timeout: exec.callTimeout() }) as Promise<ivm.Reference>);
  await session.call(exec, () => root.evaluate({ timeout: exec.callTimeout() }));
  return promise;
}
