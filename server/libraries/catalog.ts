/**
 * The libraries a template may load, pinned to one version each. `file` is
 * the browser (UMD) bundle inside the npm package that defines `global`.
 */
export interface CatalogEntry {
  name: string;
  version: string;
  global: string;
  file: string;
  description: string;
}

export const LIBRARY_CATALOG: readonly CatalogEntry[] = [
  { name: 'lodash', version: '4.17.21', global: '_', file: 'lodash.min.js', description: 'Utility functions for arrays, objects, strings and functions' },
  { name: 'dayjs', version: '1.11.13', global: 'dayjs', file: 'dayjs.min.js', description: 'Small immutable date library with a moment-like API' },
  { name: 'ramda', version: '0.30.1', global: 'R', file: 'dist/ramda.min.js', description: 'Functional programming library with auto-curried functions' },
  { name: 'moment', version: '2.30.1', global: 'moment', file: 'min/moment.min.js', description: 'Parse, validate, manipulate and format dates' },
  { name: 'zod', version: '3.23.8', global: 'Zod', file: 'lib/index.umd.js', description: 'TypeScript-first schema validation' },
];

/** `lodash` or `lodash@4.17.21` → the catalog entry; another version or name → undefined. */
export function findEntry(name: string): CatalogEntry | undefined {
  const at = name.lastIndexOf('@');
  const base = at > 0 ? name.slice(0, at) : name;
  const version = at > 0 ? name.slice(at + 1) : undefined;
  const entry = LIBRARY_CATALOG.find((e) => e.name === base.toLowerCase());
  return entry && (version === undefined || version === entry.version) ? entry : undefined;
}
