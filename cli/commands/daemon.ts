/** `vm-system daemon start|stop|status`: the shared background daemon of a database. */
import type { Command } from 'commander';
import { OpsHealth, Shutdown } from '../../server/protocol';
import { connectShared } from '../connect';
import { socketPathOf } from '../daemon/paths';
import { isProcessAlive } from '../daemon/process';
import { connectSocket } from '../../client/socket';
import { CliExit, EXIT } from '../exit-codes';
import { stdoutPaint } from '../format/color';
import { healthBlock } from '../format/ops';
import { keyValues } from '../format/layout';
import { globalsOf } from '../kit';

export function registerDaemon(program: Command): void {
  const daemon = program.command('daemon')
    .summary('start, stop or inspect the shared background daemon')
    .description('the shared background daemon serving a database (client commands start it on demand; it exits after an idle period)');

  daemon.command('start')
    .description('start the background daemon of the database unless one serves it; prints its status')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dbPath, json } = globalsOf(cmd);
      const socketPath = socketPathOf(dbPath);
      const existing = await connectSocket(socketPath);
      existing?.destroy();
      const client = (await connectShared(dbPath, { start: true }))!;
      try {
        const health = await client.call(OpsHealth, {});
        const paint = stdoutPaint();
        process.stdout.write(json ? `${JSON.stringify(health)}\n`
          : healthBlock(health, paint, [['socket', socketPath], ['daemon', existing ? 'already running' : 'started']]));
      } finally {
        await client.close();
      }
    });

  daemon.command('status')
    .description('pid, socket and uptime of the daemon serving the database; exit code 3 when none runs')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dbPath, json } = globalsOf(cmd);
      const client = await connectShared(dbPath, { start: false });
      if (!client) throw new CliExit(EXIT.UNREACHABLE, `vm-system: no daemon serves ${dbPath}`);
      try {
        const health = await client.call(OpsHealth, {});
        process.stdout.write(json ? `${JSON.stringify(health)}\n` : healthBlock(health, stdoutPaint(), [['socket', socketPathOf(dbPath)]]));
      } finally {
        await client.close();
      }
    });

  daemon.command('stop')
    .description('shut the daemon down (live sessions are closed cleanly, the store is flushed) and wait for it to exit')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dbPath, json } = globalsOf(cmd);
      const paint = stdoutPaint();
      const client = await connectShared(dbPath, { start: false });
      if (!client) {
        process.stdout.write(json ? `${JSON.stringify({ stopped: false })}\n` : keyValues([['daemon', `not running for ${dbPath}`]], paint));
        return;
      }
      let pid: number;
      try {
        pid = (await client.call(OpsHealth, {})).pid;
        await client.call(Shutdown, undefined);
      } finally {
        await client.close();
      }
      await waitForExit(pid);
      process.stdout.write(json ? `${JSON.stringify({ stopped: true, pid })}\n` : keyValues([['stopped', `pid ${pid}`]], paint));
    });
}

/** After `shutdown` the daemon exits once its last client is gone; a lingering one gets SIGTERM. */
async function waitForExit(pid: number): Promise<void> {
  const alive = (): boolean => isProcessAlive(pid);
  const deadline = Date.now() + 5000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!alive()) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const hard = Date.now() + 5000;
  while (alive() && Date.now() < hard) await new Promise((r) => setTimeout(r, 20));
  if (alive()) throw new CliExit(EXIT.UNREACHABLE, `vm-system: daemon pid ${pid} did not exit`);
}
