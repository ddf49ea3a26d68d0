/**
 * Where a bare specifier (`ms`, `date-fns/format`, `@scope/pkg/sub`) lives:
 * the template's registry libraries first (each an installed tree in the
 * daemon's cache), then the worktree's `node_modules`, looked up from the
 * importing folder upwards and never above the worktree root — Node's lookup,
 * confined. A `node_modules/<name>` that is a link is followed only when its
 * real path stays inside the same root (pnpm's links into
 * `node_modules/.pnpm` do); nothing behind a link that leaves is read.
 */
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../../../files/inside';

export interface PackageRoot {
  /** Real path of the folder whose `node_modules` trees a bundle may read (the worktree, or a library's installed tree). */
  root: string;
  /** How the failure message names it. */
  label: string;
}

export interface LocatedPackage {
  /** `date-fns` of `date-fns/format`. */
  name: string;
  /** `/format`, or '' for the package itself. */
  subpath: string;
  /** Real path of the package folder. */
  dir: string;
  /** The folder whose `node_modules` holds the package (where a bundler resolves the specifier from). */
  resolveDir: string;
  /** The root it was found in: a bundle may read only files inside it. */
  root: string;
}

/** A specifier that names no package, or a package behind a link out of its root. */
export class PackageNotFound extends Error {}

const NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9_][\w.~-]*$/i;

export function splitSpecifier(specifier: string): { name: string; subpath: string } | undefined {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, count).join('/');
  const rest = parts.slice(count);
  if (!NAME.test(name) || rest.some((p) => p === '..' || p === '.' || p === '')) return undefined;
  return { name, subpath: rest.length ? `/${rest.join('/')}` : '' };
}

/** Is this a bare specifier (a package name), as opposed to a path? */
export function isBareSpecifier(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:') && splitSpecifier(specifier) !== undefined;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * `<dir>/node_modules/<name>` if it exists: its real path, checked to be
 * inside `root`. Throws PackageNotFound for a link that leaves.
 */
export function packageIn(dir: string, name: string, root: string, shown: string): string | undefined {
  const candidate = path.join(dir, 'node_modules', name);
  if (!exists(candidate)) return undefined;
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined; // a dangling link
  }
  if (!isInside(root, real)) {
    throw new PackageNotFound(`Cannot find package '${shown}': ${path.relative(root, candidate).split(path.sep).join('/')} links to a folder outside the worktree, which sessions never read`);
  }
  return real;
}

/**
 * The package a specifier names, looked up in `libraries` (each root's own
 * `node_modules`), then from `fromDir` (real, inside `worktree`) upwards to
 * the worktree root.
 */
export function locatePackage(specifier: string, fromDir: string, worktree: PackageRoot, libraries: PackageRoot[]): LocatedPackage {
  const split = splitSpecifier(specifier);
  if (!split) throw new PackageNotFound(`Cannot find package '${specifier}': not a package name`);
  for (const lib of libraries) {
    const dir = packageIn(lib.root, split.name, lib.root, specifier);
    if (dir) return { ...split, dir, resolveDir: lib.root, root: lib.root };
  }
  let dir = isInside(worktree.root, fromDir) ? fromDir : worktree.root;
  for (;;) {
    const found = packageIn(dir, split.name, worktree.root, specifier);
    if (found) return { ...split, dir: found, resolveDir: dir, root: worktree.root };
    if (dir === worktree.root) break;
    dir = path.dirname(dir);
  }
  const from = path.relative(worktree.root, fromDir).split(path.sep).join('/');
  const libs = libraries.length ? `the template's libraries (${libraries.map((l) => l.label).join(', ')})` : "the template's libraries (it has none)";
  throw new PackageNotFound(`Cannot find package '${specifier}': looked in ${libs} and in node_modules from ${from ? `'${from}'` : 'the worktree root'} up to the worktree root`);
}
