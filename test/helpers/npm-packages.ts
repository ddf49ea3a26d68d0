/**
 * Hand-written node_modules for package tests: what `npm install`, pnpm or
 * yarn would leave in a worktree, small enough to read, no registry needed.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Files = Record<string, string>;

const json = (o: unknown) => JSON.stringify(o, null, 2);

/** A CommonJS package like `ms`: `ms('2 days')` → milliseconds; `boom()` throws on line 9 of index.js. */
export const MS: Files = {
  'node_modules/ms/package.json': json({ name: 'ms', version: '2.1.3', main: './index.js' }),
  'node_modules/ms/index.js': [
    "var units = { s: 1000, m: 60000, h: 3600000, d: 86400000, day: 86400000, days: 86400000 };",
    'module.exports = function ms(text) {',
    '  var m = /^(\\d+)\\s*(\\w+)$/.exec(String(text));',
    "  if (!m) throw new TypeError('ms: cannot parse ' + text);",
    '  return Number(m[1]) * units[m[2]];',
    '};',
    'module.exports.loads = (module.exports.loads || 0) + 1;',
    'module.exports.boom = function boom() {',
    "  throw new Error('ms went boom');",
    '};',
    '',
  ].join('\n'),
};

/**
 * An ES-module package like `date-fns`, several files, with `exports`
 * conditions: `browser` wins over `import`/`require`/`default`.
 */
export const DATE_FNS: Files = {
  'node_modules/date-fns/package.json': json({
    name: 'date-fns', version: '3.6.0', type: 'module',
    exports: { '.': { browser: './browser.js', import: './index.js', require: './index.cjs', default: './index.js' }, './format': './format.js' },
  }),
  'node_modules/date-fns/format.js': "import { pad } from './pad.js';\nexport function format(date, pattern) {\n  return pattern.replace('yyyy', String(date.getUTCFullYear())).replace('MM', pad(date.getUTCMonth() + 1)).replace('dd', pad(date.getUTCDate()));\n}\n",
  'node_modules/date-fns/pad.js': "export const pad = (n) => String(n).padStart(2, '0');\n",
  'node_modules/date-fns/browser.js': "export { format } from './format.js';\nexport const flavour = 'browser';\nexport default 'date-fns default';\n",
  'node_modules/date-fns/index.js': "export { format } from './format.js';\nexport const flavour = 'import';\n",
  'node_modules/date-fns/index.cjs': "exports.flavour = 'require';\n",
};

/** A package that needs `fs` (`graceful-fs`), and one that depends on it. */
export const NEEDS_FS: Files = {
  'node_modules/graceful-fs/package.json': json({ name: 'graceful-fs', version: '4.2.11', main: 'graceful-fs.js' }),
  'node_modules/graceful-fs/graceful-fs.js': "var fs = require('fs');\nmodule.exports = { readText: function (p) { return fs.readFileSync(p, 'utf8'); } };\n",
  'node_modules/fs-extra/package.json': json({ name: 'fs-extra', version: '11.2.0', main: 'index.js', dependencies: { 'graceful-fs': '^4.2.0' } }),
  'node_modules/fs-extra/index.js': "var gfs = require('graceful-fs');\nmodule.exports = { readText: gfs.readText, lazy: function () { return require('path'); } };\n",
};

/** A package with state, to see that a session has one instance of it. */
export const COUNTER: Files = {
  'node_modules/counter/package.json': json({ name: 'counter', version: '1.0.0' }),
  'node_modules/counter/index.js': 'var n = 0;\nexports.inc = function () { return ++n; };\n',
};

export function writeFiles(dir: string, files: Files): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}

/**
 * pnpm's layout: `node_modules/pad` links into `node_modules/.pnpm`, and
 * pad's dependency `repeat` is a sibling link there (not in the top level).
 */
export function writePnpmLayout(dir: string): void {
  const store = path.join(dir, 'node_modules/.pnpm');
  writeFiles(store, {
    'pad@1.0.0/node_modules/pad/package.json': json({ name: 'pad', version: '1.0.0', dependencies: { repeat: '1.0.0' } }),
    'pad@1.0.0/node_modules/pad/index.js': "var repeat = require('repeat');\nmodule.exports = function pad(s, n) { return repeat(' ', n - String(s).length) + s; };\n",
    'repeat@1.0.0/node_modules/repeat/package.json': json({ name: 'repeat', version: '1.0.0' }),
    'repeat@1.0.0/node_modules/repeat/index.js': "module.exports = function repeat(s, n) { var out = ''; for (var i = 0; i < n; i++) out += s; return out; };\n",
  });
  symlinkSync('../../repeat@1.0.0/node_modules/repeat', path.join(store, 'pad@1.0.0/node_modules/repeat'), 'dir');
  symlinkSync('.pnpm/pad@1.0.0/node_modules/pad', path.join(dir, 'node_modules/pad'), 'dir');
}
