import type { Command } from 'commander';
import { resolveDbPath } from '../connect';

export function registerServe(program: Command): void {
  program.command('serve')
    .description('run the daemon (JSON-RPC with LSP framing)')
    .option('--stdio', 'serve the client on stdin/stdout')
    .option('--socket [path]', 'also accept clients on a Unix socket (default: derived from the database)')
    .option('--idle-timeout <ms>', 'exit after this long with no clients and no live sessions', (v) => Number.parseInt(v, 10))
    .action(async (opts: { stdio?: boolean; socket?: string | true; idleTimeout?: number }, cmd: Command) => {
      const { runDaemon } = await import('../../server/daemon');
      const stdio = opts.stdio ?? opts.socket === undefined;
      await runDaemon({ dbPath: resolveDbPath(cmd.optsWithGlobals().db), stdio, socket: opts.socket, idleTimeoutMs: opts.idleTimeout });
    });
}
