import { NATIVE_MODULES, type ModuleInfo, type NativeModuleName } from '../protocol';

/**
 * The native modules as modules/listAvailable shows them, and the function
 * names each module implements (fs.ts, database.ts and exec.ts take theirs
 * from here). The names are the protocol's NATIVE_MODULES: the one list.
 * The daemon serves this without loading the modules (they live in the
 * runtime hosts).
 */
export const MODULE_FUNCTIONS = {
  fs: ['readFileSync', 'writeFileSync', 'existsSync', 'readdirSync', 'mkdirSync'],
  database: ['configure', 'query', 'exec', 'close'],
  exec: ['run'],
} as const satisfies Record<NativeModuleName, readonly string[]>;

export type ModuleFunction<M extends NativeModuleName> = (typeof MODULE_FUNCTIONS)[M][number];

const DESCRIPTIONS: Record<NativeModuleName, string> = {
  fs: 'Read and write files inside the session worktree (paths and symlinks that leave it are refused; capability config {readOnly: true} refuses writes); 16 MB per call',
  database: 'SQLite (sql.js) in memory or in a worktree file; file databases are saved on close() and at the end of each execution',
  exec: 'Run a program without a shell in the worktree with PATH as its only environment; output capped by maxOutputKb, killed on timeoutMs or when the execution stops. Not a sandbox: the program has the daemon user\'s rights',
};

export const MODULE_CATALOG: ModuleInfo[] = NATIVE_MODULES.map((name) => ({ name, description: DESCRIPTIONS[name], functions: [...MODULE_FUNCTIONS[name]] }));
