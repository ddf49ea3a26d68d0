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

type DefsIn<Area> = { [K in keyof Area]: Area[K] extends AnyDef ? Area[K] : never }[keyof Area];
/** Every method of the contract as a union type (each with its literal method name and direction). */
export type ContractDef = DefsIn<typeof lifecycle> | DefsIn<typeof templates> | DefsIn<typeof catalog> | DefsIn<typeof sessions>
  | DefsIn<typeof executions> | DefsIn<typeof watch> | DefsIn<typeof ops>;
/** The client → server requests the daemon's route table serves (initialize and shutdown are the connection's own). */
export type RoutedRequestDef = Exclude<Extract<ContractDef, { kind: 'request'; direction: 'clientToServer' }>, typeof lifecycle.Initialize | typeof lifecycle.Shutdown>;
export type RoutedMethod = RoutedRequestDef['method'];
/** The definition of a method, by its literal name. */
export type DefOf<M extends ContractDef['method']> = Extract<ContractDef, { method: M }>;

/** Native modules a template may enable (`templates/addModule`). */
export const NATIVE_MODULES = ['fs', 'database', 'exec'] as const;
export type NativeModuleName = (typeof NATIVE_MODULES)[number];
/** Names that are JS built-ins, refused by `templates/addModule` with MODULE_NOT_ALLOWED. */
export const BUILTIN_MODULE_NAMES = ['json', 'math', 'console', 'date', 'array', 'string', 'object', 'promise'] as const;
export * from './locations';
export * from './worktree-paths';
