import path from 'node:path';

/**
 * Is `p` the directory `root` itself or below it? Both absolute and in the
 * same form (both real paths, or both as given). The one containment test:
 * `contain` (contained-path.ts) builds on it for the real paths the three
 * worktree confinements hand to file-system code — run-file and watch
 * targets (worktree-files.ts, daemon side), module paths (modules/paths.ts),
 * ES module imports (runtime/host/esm.ts); used directly only for lexical
 * pre-checks and package trees. `path.relative` rather than a
 * prefix test, so a root of `/` and siblings such as `/wt-other` are right.
 */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}
