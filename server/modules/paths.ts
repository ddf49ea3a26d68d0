/**
 * Confinement of module paths to the session's worktree.
 *
 * A path may be relative to the worktree or absolute inside it. It is refused
 * with INVALID_PATH when it leaves the worktree lexically (`..`, an absolute
 * path elsewhere) or really: every symlink on the way is followed, also for
 * paths that do not exist yet (a file about to be written through a dangling
 * link, or below a linked directory), so the check is made on the path the
 * operation would really touch. Callers then operate on that real path, which
 * contains no symlink at the time of the check.
 *
 * Async on purpose: the runtime host serves many sessions on one event loop,
 * and a slow disk must not stall the others.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { contain, worktreeRoot as realRoot, type ContainedPath, type WorktreeRoot } from '../files/contained-path';
import { isInside } from '../files/inside';
import type { ModuleContext } from './native-module';
import { argTypeError, codedError, fromNodeError, invalidPath, nodeError } from './errors';

export interface ResolvedPath {
  /** Absolute path with every symlink resolved; inside the worktree's real path. */
  real: ContainedPath;
  /** The path as session code wrote it, for messages. */
  shown: string;
  /** The worktree's real path (what `real` was checked against). */
  root: WorktreeRoot;
}

/** Linux's own limit on symlinks followed in one lookup. */
const MAX_LINK_HOPS = 40;


/** The worktree's real path, resolved once per session (the worktree itself may sit below a symlink such as /tmp). */
async function worktreeRoot(ctx: ModuleContext): Promise<WorktreeRoot> {
  const key = `paths.root:${ctx.worktreePath}`;
  let root = ctx.state.get(key) as WorktreeRoot | undefined;
  if (!root) {
    root = await realRoot(ctx.worktreePath);
    ctx.state.set(key, root);
  }
  return root;
}

/** Checks a path argument's type the way Node does (TypeError), before anything touches the disk. */
export function pathArg(value: unknown, name = 'path'): string {
  if (typeof value !== 'string') {
    throw argTypeError(`The "${name}" argument must be of type string. Received ${value === null ? 'null' : typeof value}`);
  }
  if (value.includes('\0')) {
    throw codedError('ERR_INVALID_ARG_VALUE', `The argument '${name}' must be a string without null bytes`, 'TypeError');
  }
  return value;
}

/**
 * Resolves `input` for `syscall` (used in messages): INVALID_PATH when it
 * leaves the worktree, Node-style errors when the lookup itself fails.
 */
export async function resolveInWorktree(ctx: ModuleContext, input: unknown, syscall: string): Promise<ResolvedPath> {
  const shown = pathArg(input);
  if (shown === '') throw nodeError('ENOENT', 'no such file or directory', syscall, shown);
  // A worktree deleted under the session: report it on the session's path, not the host's.
  const root = await worktreeRoot(ctx).catch((err: unknown) => { throw fromNodeError(err, syscall, shown); });
  const given = path.resolve(ctx.worktreePath);
  const lexical = path.resolve(given, shown);
  // Absolute paths may name the worktree as it was given or by its real path.
  const base = isInside(given, lexical) ? given : isInside(root, lexical) ? root : undefined;
  if (!base) throw invalidPath(shown);
  let resolved: string;
  try {
    resolved = await followLinks(path.join(root, path.relative(base, lexical)), { hops: 0 });
  } catch (err) {
    throw fromNodeError(err, syscall, shown);
  }
  const real = contain(root, resolved);
  if (!real) throw invalidPath(shown);
  return { real, shown, root };
}

/**
 * Where `p` really leads, following symlinks even when the path (or a link's
 * target) does not exist: the deepest existing ancestor is resolved and a
 * dangling link's target is followed by hand.
 */
async function followLinks(p: string, count: { hops: number }): Promise<string> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  const here = path.join(await followLinks(parent, count), path.basename(p));
  let isLink = false;
  try {
    isLink = (await lstat(here)).isSymbolicLink();
  } catch {
    return here; // does not exist (yet): nothing further to follow
  }
  if (!isLink) return here;
  if (++count.hops > MAX_LINK_HOPS) throw Object.assign(new Error('ELOOP: too many symbolic links encountered'), { code: 'ELOOP' });
  return followLinks(path.resolve(path.dirname(here), await readlink(here)), count);
}
