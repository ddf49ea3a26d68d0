// The extension host must never load isolated-vm or sql.js (native code and
// the database live in the daemon's process): check what esbuild puts into
// dist/extension.js, and that `extension/` reaches into `server/` only for
// `server/protocol`.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '../..');

test('the extension bundle holds no isolated-vm, sql.js or daemon code', async () => {
  const result = await build({
    entryPoints: [path.join(root, 'extension/extension.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    // As esbuild.mjs builds it: esbuild (Run Selection strips TypeScript types with it) stays a runtime require.
    external: ['vscode', 'esbuild'], write: false, metafile: true, logLevel: 'silent', outfile: 'out.js',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const bad = inputs.filter((i) => /node_modules\/(isolated-vm|sql\.js|esbuild|chokidar)\//.test(i)
    || (i.startsWith('server/') && !i.startsWith('server/protocol/')));
  assert.deepEqual(bad, []);
  const code = result.outputFiles[0].text;
  assert.doesNotMatch(code, /require\(["'](isolated-vm|sql\.js)["']\)/);
  assert.match(code, /require\(["']vscode["']\)/);
});

test('dist/extension.js, as esbuild.mjs built it, leaves esbuild to a runtime require', () => {
  const dist = readFileSync(path.join(root, 'dist/extension.js'), 'utf8');
  assert.match(dist, /require\(["']esbuild["']\)/);
  assert.doesNotMatch(dist, /ESBUILD_BINARY_PATH/, "esbuild's own code was bundled");
});

test('extension sources import only server/protocol of server/', () => {
  const files = readdirSync(path.join(root, 'extension'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 10);
  for (const f of files) {
    const text = readFileSync(path.join(root, 'extension', f), 'utf8');
    for (const m of text.matchAll(/from '([^']+)'/g)) {
      const spec = m[1];
      if (!spec.startsWith('.')) {
        assert.ok(!/^(isolated-vm|sql\.js)/.test(spec), `${f} imports ${spec}`);
        continue;
      }
      const target = path.relative(root, path.resolve(path.dirname(path.join(root, 'extension', f)), spec));
      if (target.startsWith('server')) assert.equal(target, 'server/protocol', `${f} imports ${spec}`);
    }
  }
});
