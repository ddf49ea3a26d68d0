import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GitPort } from '../core/ports';

/**
 * The commit a worktree's checkout is on, read from `.git` directly: spawning
 * git would cost more than the rest of sessions/create. Linked worktrees
 * (`.git` a file naming the git dir) and packed refs are followed.
 */
export class GitHead implements GitPort {
  head(worktreePath: string): string {
    try {
      return readGitHead(worktreePath);
    } catch {
      return '';
    }
  }
}

function readGitHead(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    let gitDir: string | undefined;
    try {
      gitDir = statSync(dotGit).isDirectory()
        ? dotGit
        : path.resolve(dir, /^gitdir: (.*)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim() ?? '');
    } catch {
      gitDir = undefined;
    }
    if (gitDir) return resolveRef(gitDir, readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim());
    if (path.dirname(dir) === dir) return '';
  }
}

function resolveRef(gitDir: string, head: string): string {
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return /^[0-9a-f]{40,64}$/.test(head) ? head : '';
  // Linked worktrees keep branch refs in the common dir.
  const common = (() => {
    try { return path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()); } catch { return gitDir; }
  })();
  for (const dir of [gitDir, common]) {
    try { return readFileSync(path.join(dir, ref), 'utf8').trim(); } catch { /* try packed refs */ }
  }
  const packed = readFileSync(path.join(common, 'packed-refs'), 'utf8');
  return new RegExp(`^([0-9a-f]{40,64}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(packed)?.[1] ?? '';
}
