/** Errors the commands show to the user, and how a contract error reads. */
import * as vscode from 'vscode';
import { errorCodeOf } from '../server/protocol';

/** A failure with a message meant for the user and optional follow-up commands. */
export class UserError extends Error {
  constructor(message: string, readonly actions: ReadonlyArray<{ title: string; command: string; args?: unknown[] }> = []) {
    super(message);
  }
}

export function describeError(err: unknown): string {
  const code = errorCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${message} (${code})` : message;
}

/** Shows an error (with its actions) without blocking the caller. */
export function reportError(err: unknown, prefix = 'VM System'): void {
  if (err instanceof vscode.CancellationError || (err as { reported?: boolean } | null)?.reported) return;
  const actions = err instanceof UserError ? err.actions : [];
  void vscode.window.showErrorMessage(`${prefix}: ${err instanceof UserError ? err.message : describeError(err)}`, ...actions.map((a) => a.title))
    .then((picked) => {
      const action = actions.find((a) => a.title === picked);
      if (action) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    });
}
