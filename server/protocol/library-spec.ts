/**
 * Library specs as templates name them: a catalog name (`lodash`,
 * `lodash@4.17.21`) or any registry package spec — `ms`, `yup@1.4.0`,
 * `pkg@^1`, `pkg@latest`, `@scope/pkg@~2.0`. Shared by the daemon (what
 * `templates/addLibrary` accepts) and clients (what they may offer to add).
 */

export interface LibrarySpec {
  /** The package name (`@scope/pkg`); npm names are lowercase, a few old ones are not, so the case is kept. */
  name: string;
  /** What follows the `@`: an exact version, a semver range or a dist-tag; `latest` when none was given. */
  range: string;
  /** Whether a range was given at all (`yup` vs `yup@1.4.0`). */
  explicit: boolean;
}

const NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;
/** Versions, ranges (`^1`, `>=1 <2`, `1.x || 2`), tags: printable, no spaces at the ends, no URL or path forms. */
const RANGE = /^[A-Za-z0-9.^~<>=*|+_ -]+$/;

/** `@scope/pkg@^1` → {name: '@scope/pkg', range: '^1'}; undefined when it is not a package spec. */
export function parseLibrarySpec(spec: string): LibrarySpec | undefined {
  const text = spec.trim();
  const at = text.indexOf('@', text.startsWith('@') ? 1 : 0);
  const name = at === -1 ? text : text.slice(0, at);
  const range = at === -1 ? '' : text.slice(at + 1).trim();
  if (name.length > 214 || !NAME.test(name)) return undefined;
  if (at !== -1 && (range === '' || !RANGE.test(range))) return undefined;
  return { name, range: range || 'latest', explicit: at !== -1 };
}

/** The spec as templates store it: the name, and the range when one was given. */
export function formatLibrarySpec(spec: LibrarySpec): string {
  return spec.explicit ? `${spec.name}@${spec.range}` : spec.name;
}
