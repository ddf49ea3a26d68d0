/**
 * What the template's capabilities say to the modules. Only `fs` is read
 * today: an enabled `{kind: 'fs', config: {readOnly: true}}` makes the
 * worktree read-only for the `fs` module and for file databases.
 */
import type { ModuleContext } from './native-module';
import { nodeError } from './errors';

export function isReadOnly(ctx: ModuleContext): boolean {
  return ctx.capabilities.some((c) => c.kind === 'fs' && c.enabled && c.config?.readOnly === true);
}

/** Node's error for a write on a read-only file system, naming the reason. */
export function readOnlyError(syscall: string, shownPath: string) {
  const err = nodeError('EROFS', 'read-only file system', syscall, shownPath);
  err.message += " (the template's fs capability is readOnly)";
  return err;
}
