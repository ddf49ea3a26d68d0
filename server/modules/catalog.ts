import type { ModuleInfo } from '../protocol';

/** The native modules as modules/listAvailable shows them. */
export const MODULE_CATALOG: ModuleInfo[] = [
  { name: 'fs', description: 'Read and write files inside the session worktree (capability config {readOnly: true} refuses writes)', functions: ['readFileSync', 'writeFileSync', 'existsSync', 'readdirSync', 'mkdirSync'] },
  { name: 'database', description: 'SQLite (sql.js) in memory or in a worktree file', functions: ['configure', 'query', 'exec', 'close'] },
  { name: 'exec', description: 'Run a program (no shell) in the worktree, bounded by the execution limits', functions: ['run'] },
];
