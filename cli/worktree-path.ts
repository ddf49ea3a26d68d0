import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkWorktreeRelativePath } from '../server/protocol/worktree-paths';

/**
 * FILE arguments are relative to the current directory (or absolute); the
 * daemon wants paths relative to the session's worktree. A file outside the
 * worktree goes as given, for the daemon to judge (INVALID_PATH, or a
 * worktree-relative path when the session's worktree is elsewhere).
 */
export function toWorktreePath(file: string, worktree: string, cwd: string = process.cwd()): string {
  const relative = path.relative(worktree, path.resolve(cwd, file));
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}

export type WorktreeFile = { ok: true; absolutePath: string; relativePath: string } | { ok: false; message: string };

/**
 * A file the CLI itself reads or writes in a session's worktree (the REPL's
 * `.load` and `.save`), judged by the daemon's run-file rules
 * (server/files/worktree-files.ts): relative to the worktree, no `..`, and
 * — symlinks followed — still inside it. For `write` the file may be new; its
 * directory must exist. The path rule is the contract's; cli/ may not
 * import server/files, hence the few lines of containment test here.
 */
export function resolveWorktreeFile(worktree: string, p: string, mode: 'read' | 'write'): WorktreeFile {
  const check = checkWorktreeRelativePath(p);
  if (!check.ok) return check;
  const relativePath = check.normalized;
  let root: string;
  try {
    root = realpathSync(worktree);
  } catch {
    return { ok: false, message: `the worktree ${worktree} does not exist` };
  }
  const candidate = path.join(root, relativePath);
  const real = realOrUndefined(candidate);
  if (real === undefined) {
    // Missing: where would it be? Its directory decides (and a dangling link is refused: its target could be anywhere).
    const dir = realOrUndefined(path.dirname(candidate));
    if (dir !== undefined && !isInside(root, dir)) return { ok: false, message: `${p} resolves outside the worktree` };
    if (lstatSync(candidate, { throwIfNoEntry: false })?.isSymbolicLink()) return { ok: false, message: `${p} is a link to a missing file` };
    if (mode === 'read') return { ok: false, message: `no such file in the worktree: ${p}` };
    if (dir === undefined) return { ok: false, message: `no such directory in the worktree: ${path.posix.dirname(relativePath)}` };
    return { ok: true, absolutePath: path.join(dir, path.basename(candidate)), relativePath };
  }
  if (!isInside(root, real)) return { ok: false, message: `${p} resolves outside the worktree` };
  if (!statSync(real).isFile()) return { ok: false, message: `not a file: ${p}` };
  return { ok: true, absolutePath: real, relativePath };
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Same test as server/files/inside.ts: `p` is `root` or below it (both real paths). */
function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}
