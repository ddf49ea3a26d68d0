/**
 * The one typed contract shared by the daemon, the CLI and the extension.
 * No Node APIs here: zod schemas, vscode-jsonrpc message types, constants.
 */
export * from './errors';
export * from './entities';
export * from './define';
export * from './well-formed';
export * from './lifecycle';
export * from './templates';
export * from './catalog';
export * from './sessions';
export * from './executions';
export * from './watch';
export * from './ops';
export * from './library-spec';
export * from './retention-spec';

import type { AnyDef } from './define';
import * as lifecycle from './lifecycle';
import * as templates from './templates';
import * as catalog from './catalog';
import * as sessions from './sessions';
import * as executions from './executions';
import * as watch from './watch';
import * as ops from './ops';

function defsOf(area: Record<string, unknown>): AnyDef[] {
  return Object.values(area).filter((v): v is AnyDef =>
    typeof v === 'object' && v !== null && 'method' in v && 'kind' in v && 'params' in v);
}

/** Every method of the contract, by area, in documentation order. */
export const AREAS: ReadonlyArray<{ title: string; defs: AnyDef[] }> = [
  { title: 'Lifecycle', defs: defsOf(lifecycle) },
  { title: 'Templates', defs: defsOf(templates) },
  { title: 'Modules and libraries', defs: defsOf(catalog) },
  { title: 'Sessions', defs: defsOf(sessions) },
  { title: 'Executions', defs: defsOf(executions) },
  { title: 'Watch', defs: defsOf(watch) },
  { title: 'Operations', defs: defsOf(ops) },
];

export const ALL_METHODS: ReadonlyArray<AnyDef> = AREAS.flatMap((a) => a.defs);

/** Native modules a template may enable (`templates/addModule`). */
export const NATIVE_MODULES = ['fs', 'database', 'exec'] as const;
export type NativeModuleName = (typeof NATIVE_MODULES)[number];
/** Names that are JS built-ins, refused by `templates/addModule` with MODULE_NOT_ALLOWED. */
export const BUILTIN_MODULE_NAMES = ['json', 'math', 'console', 'date', 'array', 'string', 'object', 'promise'] as const;
export * from './locations';
export * from './worktree-paths';
