/** `vm-system session …`: live runtimes built from a template. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { SessionsClose, SessionsCreate, SessionsGet, SessionsList, SessionsRestart, SessionStatus } from '../../server/protocol';
import { sessionDetail, sessionTable } from '../format/sessions';
import { templateIdOf, withDaemon } from '../kit';

export function registerSession(program: Command): void {
  const session = program.command('session')
    .summary('create, list, inspect, close and restart sessions')
    .description('sessions: live runtimes built from a template, kept by the shared daemon between commands');

  session.command('create')
    .description('start a session; prints it (status ready)')
    .requiredOption('--template-id <id>', 'template id (or name: the newest template of that name)')
    .requiredOption('--worktree-path <dir>', 'directory the session\'s files live in (relative to the current directory)')
    .option('--workspace-id <id>', 'workspace id (default: the worktree\'s basename)')
    .option('--base-commit <oid>', 'base commit (default: the worktree\'s git HEAD)')
    .action((opts: { templateId: string; worktreePath: string; workspaceId?: string; baseCommit?: string }, cmd: Command) =>
      withDaemon(cmd, async (k) => {
        const templateId = await templateIdOf(k.call, opts.templateId);
        const created = await k.call(SessionsCreate, {
          templateId, worktreePath: path.resolve(k.term.cwd, opts.worktreePath), workspaceId: opts.workspaceId, baseCommitOid: opts.baseCommit,
        });
        k.print(created, sessionDetail);
      }));

  session.command('list')
    .description('list sessions, newest first')
    .addOption(new Option('--status <status>', 'only sessions in this status').choices(SessionStatus.options))
    .action((opts: { status?: SessionStatus }, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(SessionsList, { status: opts.status }), (r, p) => sessionTable(r.sessions, p));
    }));

  session.command('get')
    .description('show a session')
    .argument('<id>', 'session id')
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(SessionsGet, { sessionId: id }), sessionDetail);
    }));

  session.command('close')
    .description('close a session (its runtime is disposed, its watches end); idempotent')
    .argument('<id>', 'session id')
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(SessionsClose, { sessionId: id }), sessionDetail);
    }));

  session.command('restart')
    .description('a fresh runtime for the same session id (also for closed or crashed sessions)')
    .argument('<id>', 'session id')
    .option('--replay', 're-run the session\'s successful repl and run-file executions in order')
    .action((id: string, opts: { replay?: boolean }, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(SessionsRestart, { sessionId: id, replay: opts.replay ?? false }), sessionDetail);
    }));
}
