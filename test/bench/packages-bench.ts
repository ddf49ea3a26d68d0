/**
 * npm packages in sessions (`npm run bench packages`): the first load of a
 * many-file package (bundled by esbuild), the cached load of its bundle in a
 * new session, and session create with a registry library that has three
 * dependencies. Everything is generated here: the worktree package is
 * written into a temp folder, the library is packed into tarballs served by
 * the local fake registry (test/helpers/fake-registry.ts).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as P from '../../server/protocol';
import { makeWorktree, startDaemon } from '../helpers/daemon';
import { startFakeRegistry } from '../helpers/fake-registry';
import { percentile, type Row } from './table';

/** An ES-module package of `files` modules re-exported by index.js: ~100 KB bundled for 200 files. */
function manyFilePackage(files: number): Record<string, string> {
  const out: Record<string, string> = {
    'node_modules/many-files/package.json': JSON.stringify({ name: 'many-files', version: '1.0.0', type: 'module', exports: './index.js' }),
  };
  const index: string[] = [];
  for (let i = 0; i < files; i++) {
    const words = Array.from({ length: 40 }, (_, j) => `w${i}_${j}`).join(' ');
    out[`node_modules/many-files/f${i}.js`] = `const WORDS_${i} = ${JSON.stringify(words)}.split(' ');\nexport function pick${i}(n) {\n  const k = Math.abs(n | 0) % WORDS_${i}.length;\n  return WORDS_${i}[k] + ':' + (n * ${i + 1});\n}\n`;
    index.push(`export { pick${i} } from './f${i}.js';`);
  }
  out['node_modules/many-files/index.js'] = `${index.join('\n')}\n`;
  return out;
}

export async function packageRows(rows: Row[]): Promise<void> {
  const registry = await startFakeRegistry([
    { name: 'trio', version: '1.0.0', dependencies: { 'dep-a': '^1.0.0', 'dep-b': '^1.0.0', 'dep-c': '^1.0.0' }, files: { 'index.js': "module.exports = () => [require('dep-a'), require('dep-b'), require('dep-c')].join('+');\n" } },
    { name: 'dep-a', version: '1.0.0', files: { 'index.js': "module.exports = 'a';\n" } },
    { name: 'dep-b', version: '1.0.0', files: { 'index.js': "module.exports = 'b';\n" } },
    { name: 'dep-c', version: '1.0.0', files: { 'index.js': "module.exports = 'c';\n" } },
  ]);
  const d = await startDaemon({ env: { VM_SYSTEM_REGISTRY: registry.url } });
  const worktree = makeWorktree(manyFilePackage(200));
  try {
    const plain = (await d.call(P.TemplatesList, { name: 'default' })).templates[0].id;
    const newSession = async (templateId = plain) => (await d.call(P.SessionsCreate, { templateId, worktreePath: worktree })).id;
    const timed = async (sessionId: string, input: string): Promise<number> => {
      const t0 = performance.now();
      const r = await d.call(P.ExecutionsRepl, { sessionId, input });
      const ms = performance.now() - t0;
      if (r.status !== 'ok') throw new Error(`bench: ${input} failed: ${r.error?.message}`);
      return ms;
    };
    const load = "require('many-files').pick7(3)";
    const first = await timed(await newSession(), load);
    const bundles = path.join(path.dirname(d.dbPath), 'bundles');
    // The bundle's own file (code and map); its V8 code cache (`.v8cache`) comes after the package has run.
    const kb = readdirSync(bundles).filter((f) => f.endsWith('.json')).reduce((sum, f) => sum + statSync(path.join(bundles, f)).size, 0) / 1024;
    rows.push({ name: `first require of a 200-file ESM package (esbuild bundle, cache file ${kb.toFixed(0)} KB with its map)`, value: first });

    const cached: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await newSession();
      await timed(s, '0');
      floor.push(await timed(s, '1+1'));
      const t = await newSession();
      await timed(t, '0');
      cached.push(await timed(t, load));
      await d.call(P.SessionsClose, { sessionId: s });
      await d.call(P.SessionsClose, { sessionId: t });
    }
    rows.push({ name: 'require of the same package in a new session (cached bundle, ~100 KB of code)', value: percentile(cached, 50), baseline: percentile(floor, 50), baselineName: 'repl `1+1`', target: '≤ 5 ms' });

    const trio = (await d.call(P.TemplatesCreate, { name: 'trio' })).id;
    await d.call(P.TemplatesAddLibrary, { templateId: trio, name: 'trio@^1' });
    const t0 = performance.now();
    await d.call(P.LibrariesInstall, { names: ['trio@^1'] });
    rows.push({ name: 'libraries/install of a library with 3 dependencies (local registry)', value: performance.now() - t0 });
    const creates: number[] = [];
    const plainCreates: number[] = [];
    const uses: number[] = [];
    for (let i = 0; i < 20; i++) {
      let t = performance.now();
      const s = await newSession(trio);
      creates.push(performance.now() - t);
      t = performance.now();
      const p = await newSession();
      plainCreates.push(performance.now() - t);
      uses.push(await timed(s, "require('trio')()"));
      await d.call(P.SessionsClose, { sessionId: s });
      await d.call(P.SessionsClose, { sessionId: p });
    }
    rows.push({ name: 'sessions/create with a 3-dependency registry library', value: percentile(creates, 50), baseline: percentile(plainCreates, 50), baselineName: 'no libraries', target: '≤ 10 ms' });
    rows.push({ name: "first require('trio') in a session (cached bundle)", value: percentile(uses, 50) });
  } finally {
    await d.stop();
    await registry.close();
    rmSync(worktree, { recursive: true, force: true });
    rmSync(d.dir, { recursive: true, force: true });
  }
}
