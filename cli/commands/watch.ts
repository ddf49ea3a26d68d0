/** `vm-system watch FILE`: re-run a file on every change until Ctrl-C. */
import type { Command } from 'commander';
import { WatchDidEnd, WatchDidRun, WatchStart, WatchStop, type Execution } from '../../server/protocol';
import { requireShared } from '../connect';
import { CliExit, EXIT } from '../exit-codes';
import { statusColor, stderrPaint, stdoutPaint, type Paint } from '../format/color';
import { ms } from '../format/layout';
import { globalsOf } from '../kit';
import { EventPrinter, processOut } from '../render';
import { openSessionScope, sessionOption, templateOption } from '../session-scope';
import { toWorktreePath } from '../worktree-path';

export function registerWatch(program: Command): void {
  program.command('watch')
    .summary('re-run a file on every change, until Ctrl-C')
    .description('run a file, then re-run it whenever it or a worktree file it imports changes, printing a header and the output of each run, until Ctrl-C')
    .argument('<file>', 'file to watch, relative to the current directory')
    .addOption(sessionOption())
    .addOption(templateOption())
    .action(async (file: string, opts: { session?: string; template: string }, cmd: Command) => {
      const { dbPath, json } = globalsOf(cmd);
      const client = await requireShared(dbPath);
      const scope = await openSessionScope(client, opts).catch(async (error: unknown) => { await client.close(); throw error; });
      const paint = stdoutPaint();
      const errPaint = stderrPaint();
      let watchId: string | undefined;
      client.connection.onNotification(WatchDidRun.type, (run) => {
        if (run.watchId !== watchId) return;
        if (json) { process.stdout.write(`${JSON.stringify(run)}\n`); return; }
        process.stdout.write(header(run.execution, paint));
        const printer = new EventPrinter(processOut, { outPaint: paint, errPaint });
        for (const event of run.events) printer.print(event);
      });
      let stop: (reason: 'signal' | 'lost' | 'ended') => void = () => undefined;
      const stopped = new Promise<'signal' | 'lost' | 'ended'>((resolve) => { stop = resolve; });
      client.connection.onNotification(WatchDidEnd.type, (end) => {
        if (end.watchId !== watchId) return;
        if (!json) process.stderr.write(errPaint.dim(`watch ended: ${end.reason}\n`));
        stop('ended');
      });
      const onSignal = (): void => stop('signal');
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
      void client.closed.then(() => stop('lost'));
      let reason: 'signal' | 'lost' | 'ended' = 'signal';
      try {
        watchId = (await client.call(WatchStart, { sessionId: scope.session.id, path: toWorktreePath(file, scope.session.worktreePath) })).watchId;
        if (!json) process.stderr.write(errPaint.dim(`watching ${file} in session ${scope.session.id} — Ctrl-C to stop\n`));
        reason = await stopped;
      } finally {
        for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignal);
        if (watchId && reason === 'signal') await client.call(WatchStop, { watchId }).catch(() => undefined);
        await scope.close();
        await client.close();
      }
      if (reason === 'lost') throw new CliExit(EXIT.UNREACHABLE, 'vm-system: the daemon closed the connection');
    });
}

/** `── 21:06:43.123  ok  12 ms ──` */
function header(execution: Execution, paint: Paint): string {
  const t = new Date(execution.startedAt);
  const time = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}:${String(t.getSeconds()).padStart(2, '0')}.${String(t.getMilliseconds()).padStart(3, '0')}`;
  return `${paint.dim('──')} ${time}  ${statusColor(paint, execution.status)}  ${ms(execution.metrics.wallMs)} ${paint.dim(`── ${execution.path ?? ''}`)}\n`;
}
