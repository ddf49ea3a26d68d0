/**
 * The contract's rule for a path inside a session's worktree (run-file paths,
 * startup files, the REPL's `.save`/`.load`): relative, no `..`, not the
 * worktree itself. Pure string logic — where links lead is checked on disk by
 * whoever opens the file (server/files, cli/worktree-path.ts).
 */
export function checkWorktreeRelativePath(p: string): { ok: true; normalized: string } | { ok: false; message: string } {
  if (p.includes('\0')) return { ok: false, message: 'path contains a NUL byte' };
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\')) return { ok: false, message: `path must be relative to the worktree: ${p}` };
  const parts = p.split(/[\\/]+/);
  if (parts.includes('..')) return { ok: false, message: `path must not contain "..": ${p}` };
  const normalized = parts.filter((s) => s !== '' && s !== '.').join('/');
  if (normalized === '') return { ok: false, message: 'path names the worktree itself, not a file' };
  return { ok: true, normalized };
}
