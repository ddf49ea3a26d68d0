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
  /**
   * The npm tarball's integrity (sha512, from the public registry when the
   * version was pinned): a registry answering other bytes for this version
   * is refused, whatever integrity its metadata claims.
   */
  integrity: string;
}

export const LIBRARY_CATALOG: readonly CatalogEntry[] = [
  { name: 'lodash', version: '4.17.21', global: '_', file: 'lodash.min.js', description: 'Utility functions for arrays, objects, strings and functions',
    integrity: 'sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==' },
  { name: 'dayjs', version: '1.11.13', global: 'dayjs', file: 'dayjs.min.js', description: 'Small immutable date library with a moment-like API',
    integrity: 'sha512-oaMBel6gjolK862uaPQOVTA7q3TZhuSvuMQAAglQDOWYO9A91IrAOUJEyKVlqJlHE0vq5p5UXxzdPfMH/x6xNg==' },
  { name: 'ramda', version: '0.30.1', global: 'R', file: 'dist/ramda.min.js', description: 'Functional programming library with auto-curried functions',
    integrity: 'sha512-tEF5I22zJnuclswcZMc8bDIrwRHRzf+NqVEmqg50ShAZMP7MWeR/RGDthfM/p+BlqvF2fXAzpn8i+SJcYD3alw==' },
  { name: 'moment', version: '2.30.1', global: 'moment', file: 'min/moment.min.js', description: 'Parse, validate, manipulate and format dates',
    integrity: 'sha512-uEmtNhbDOrWPFS+hdjFCBfy9f2YoyzRpwcl+DqpC6taX21FzsTLQVbMV/W7PzNSX6x/bhC1zA3c2UQ5NzH6how==' },
  { name: 'zod', version: '3.23.8', global: 'Zod', file: 'lib/index.umd.js', description: 'TypeScript-first schema validation',
    integrity: 'sha512-XBx9AXhXktjUqnepgTiE5flcKIYWi/rme0Eaj+5Y0lftuGBq+jyRu/md4WnuxqgP1ubdpNCsYEYPxrzVHD8d6g==' },
];

/** `lodash` or `lodash@4.17.21` → the catalog entry; another version or name → undefined. */
export function findEntry(name: string): CatalogEntry | undefined {
  const at = name.lastIndexOf('@');
  const base = at > 0 ? name.slice(0, at) : name;
  const version = at > 0 ? name.slice(at + 1) : undefined;
  const entry = LIBRARY_CATALOG.find((e) => e.name === base.toLowerCase());
  return entry && (version === undefined || version === entry.version) ? entry : undefined;
}
