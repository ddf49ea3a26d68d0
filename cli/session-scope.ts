/**
 * The session a `repl` or `watch` works in: the one named by `--session`, or
 * a fresh one on the current directory (from `--template`, default
 * `default`) that is closed when the command ends — also on Ctrl-C, SIGTERM
 * and SIGHUP, so no session outlives its command on the shared daemon.
 */
import { Option } from 'commander';
import { SessionsClose, SessionsCreate, SessionsGet, type Session } from '../server/protocol';
import type { DaemonClient } from './connect';
import { CliExit, EXIT } from './exit-codes';
import { templateIdOf } from './kit';

export interface SessionScope {
  session: Session;
  /** Made by this command (and closed by `close`). */
  created: boolean;
  close(): Promise<void>;
}

export const sessionOption = (): Option => new Option('--session <id>', 'use this live session (default: a new one on the current directory, closed at the end)').conflicts('template');
export const templateOption = (): Option => new Option('--template <name>', 'template of the new session (name or id)').default('default');

export async function openSessionScope(client: DaemonClient, options: { session?: string; template: string }): Promise<SessionScope> {
  if (options.session) {
    const session = await client.call(SessionsGet, { sessionId: options.session });
    if (session.status !== 'ready') {
      throw new CliExit(EXIT.USAGE, `vm-system: SESSION_NOT_READY: session ${session.id} is ${session.status}${session.lastError ? ` (${session.lastError})` : ''}`);
    }
    return { session, created: false, close: async () => undefined };
  }
  const templateId = await templateIdOf(client.call, options.template);
  // closeWithConnection: a command killed outright still leaves no live session behind.
  const session = await client.call(SessionsCreate, { templateId, worktreePath: process.cwd(), closeWithConnection: true });
  let closed = false;
  return {
    session,
    created: true,
    async close() {
      if (closed) return;
      closed = true;
      await client.call(SessionsClose, { sessionId: session.id }).catch(() => undefined);
    },
  };
}
