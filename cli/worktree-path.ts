import path from 'node:path';

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
