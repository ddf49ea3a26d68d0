/** `vm-system serve`: the daemon itself (the one command that imports server/ beyond the protocol). */
import { InvalidArgumentError, type Command } from 'commander';
import path from 'node:path';
import { resolveDbPath } from '../daemon/paths';
import { intOption } from '../kit';
import { parseRetentionSpec, type Retention } from '../../server/protocol';

export function registerServe(program: Command): void {
  program.command('serve')
    .description('run the daemon: JSON-RPC with LSP framing on stdio and/or a Unix socket (see docs/protocol.md)')
    .option('--stdio', 'serve one client on stdin/stdout (the default without --socket)')
    .option('--socket [path]', 'accept clients on a Unix socket (default path: derived from the database)')
    .option('--idle-timeout <ms>', 'exit after this long with no clients and no live sessions', intOption(1))
    .option('--retention <spec>', 'history kept: keepPerSession=N,olderThanDays=D,maxMb=S (any of them; 0 = no limit; default 1000, 30, 2048)', retentionOption)
    .action(async (opts: { stdio?: boolean; socket?: string | true; idleTimeout?: number; retention?: Retention }, cmd: Command) => {
      // The daemon is its own bundle beside this one (dist/daemon.js), so the CLI bundle carries no daemon code.
      const { runDaemon } = require(path.join(__dirname, 'daemon.js')) as typeof import('../../server/main');
      const stdio = opts.stdio ?? opts.socket === undefined;
      await runDaemon({ dbPath: resolveDbPath(cmd.optsWithGlobals<{ db?: string }>().db), stdio, socket: opts.socket, idleTimeoutMs: opts.idleTimeout, retention: opts.retention });
      // The daemon lives on in its handles and leaves with process.exit: this command never "finishes".
      await new Promise<never>(() => undefined);
    });
}

function retentionOption(value: string): Retention {
  try {
    return parseRetentionSpec(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
