import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FilesPort, PathCheck } from '../core/ports';
import { checkWorktreeRelativePath } from '../protocol/worktree-paths';
import { contain, worktreeRootSync, type WorktreeRoot } from './contained-path';

/**
 * Path safety for worktree files. A path is refused (INVALID_PATH) when it is
 * absolute, climbs with `..`, or resolves — symlinks followed — outside the
 * worktree; a safe path that does not name a regular file is FILE_NOT_FOUND.
 */
export class WorktreeFiles implements FilesPort {
  isDirectory(p: string): boolean {
    try {
      return path.isAbsolute(p) && statSync(p).isDirectory();
    } catch {
      return false;
    }
  }

  checkRelativePath(p: string): { ok: true; normalized: string } | { ok: false; message: string } {
    return checkWorktreeRelativePath(p);
  }

  /** The checked relative path and the worktree's real path, or why there are none. */
  private located(worktreePath: string, relativePath: string): { ok: true; root: WorktreeRoot; normalized: string } | Extract<PathCheck, { ok: false }> {
    const check = this.checkRelativePath(relativePath);
    if (!check.ok) return { ok: false, code: 'INVALID_PATH', message: check.message };
    try {
      return { ok: true, root: worktreeRootSync(worktreePath), normalized: check.normalized };
    } catch {
      return { ok: false, code: 'FILE_NOT_FOUND', message: `worktree ${worktreePath} does not exist` };
    }
  }

  resolveFile(worktreePath: string, relativePath: string): PathCheck {
    const where = this.located(worktreePath, relativePath);
    if (!where.ok) return where;
    const { root, normalized } = where;
    const candidate = path.join(root, normalized);
    let resolved: string;
    try {
      resolved = realpathSync(candidate);
    } catch {
      // Missing, or a dangling link: refuse a link that points outside even when its target is missing.
      const escapes = this.linkEscapes(root, candidate);
      return escapes
        ? { ok: false, code: 'INVALID_PATH', message: `${relativePath} resolves outside the worktree` }
        : { ok: false, code: 'FILE_NOT_FOUND', message: `no such file in the worktree: ${relativePath}` };
    }
    const real = contain(root, resolved);
    if (!real) return { ok: false, code: 'INVALID_PATH', message: `${relativePath} resolves outside the worktree` };
    try {
      if (!statSync(real).isFile()) return { ok: false, code: 'FILE_NOT_FOUND', message: `not a file: ${relativePath}` };
    } catch {
      return { ok: false, code: 'FILE_NOT_FOUND', message: `no such file in the worktree: ${relativePath}` };
    }
    return { ok: true, absolutePath: real, relativePath: normalized };
  }

  resolveTarget(worktreePath: string, relativePath: string): PathCheck {
    const existing = this.resolveFile(worktreePath, relativePath);
    if (existing.ok || existing.code === 'INVALID_PATH') return existing;
    // Missing: fine, as long as the folder it would be in is inside the worktree (links followed).
    const where = this.located(worktreePath, relativePath);
    if (!where.ok) return where;
    const { root, normalized } = where;
    const candidate = path.join(root, normalized);
    try {
      if (statSync(candidate).isDirectory()) return { ok: false, code: 'INVALID_PATH', message: `${relativePath} is a folder, not a file` };
    } catch {
      // missing, as expected
    }
    if (this.linkEscapes(root, candidate)) return { ok: false, code: 'INVALID_PATH', message: `${relativePath} resolves outside the worktree` };
    return { ok: true, absolutePath: candidate, relativePath: normalized };
  }

  private linkEscapes(root: WorktreeRoot, candidate: string): boolean {
    // Walk up to the deepest existing ancestor and check where it really is.
    let dir = candidate;
    while (dir !== root && dir.startsWith(root)) {
      try {
        return !contain(root, realpathSync(dir));
      } catch {
        dir = path.dirname(dir);
      }
    }
    return false;
  }
}
