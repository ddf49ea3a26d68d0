import type { ModuleInfo } from '../protocol';

/**
 * The native modules as modules/listAvailable shows them. The daemon serves
 * this without loading the modules (they live in the runtime hosts); the
 * function lists must match what each module registers, which
 * test/integration/modules-require.test.ts checks.
 */
export const MODULE_CATALOG: ModuleInfo[] = [
  { name: 'fs', description: 'Read and write files inside the session worktree (paths and symlinks that leave it are refused; capability config {readOnly: true} refuses writes); 16 MB per call', functions: ['readFileSync', 'writeFileSync', 'existsSync', 'readdirSync', 'mkdirSync'] },
  { name: 'database', description: 'SQLite (sql.js) in memory or in a worktree file; file databases are saved on close() and at the end of each execution', functions: ['configure', 'query', 'exec', 'close'] },
  { name: 'exec', description: 'Run a program without a shell in the worktree with PATH as its only environment; output capped by maxOutputKb, killed on timeoutMs or when the execution stops. Not a sandbox: the program has the daemon user\'s rights', functions: ['run'] },
];
