/**
 * The one typed worktree path, after the Go original's `vmpath`: a path that
 * has been resolved and checked is a different type from a string, and the
 * only way to get one is the checking constructor below. File-system code
 * that must stay inside a worktree (files/anchored.ts, modules/fs*.ts, ES
 * imports) takes `ContainedPath`, so a path nobody checked does not compile.
 */
import { realpath } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { isInside } from './inside';

declare const rootBrand: unique symbol;
declare const containedBrand: unique symbol;

/** A worktree's real path (symlinks resolved): what containment is checked against. */
export type WorktreeRoot = string & { readonly [rootBrand]: true };

/** A real path inside a `WorktreeRoot` (or the root itself); made only by `contain`. */
export type ContainedPath = string & { readonly [containedBrand]: true };

/** The worktree's real path (the worktree itself may sit below a symlink such as /tmp). */
export async function worktreeRoot(worktree: string): Promise<WorktreeRoot> {
  return (await realpath(worktree)) as WorktreeRoot;
}

export function worktreeRootSync(worktree: string): WorktreeRoot {
  return realpathSync(worktree) as WorktreeRoot;
}

/**
 * The checking constructor: `real` (already resolved by the caller, links
 * followed) as a ContainedPath, or undefined when it lies outside `root`.
 */
export function contain(root: WorktreeRoot, real: string): ContainedPath | undefined {
  return isInside(root, real) ? (real as string as ContainedPath) : undefined;
}

/** The root is inside itself. */
export function rootPath(root: WorktreeRoot): ContainedPath {
  return root as string as ContainedPath;
}
