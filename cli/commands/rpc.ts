/** `vm-system rpc`: JSON-RPC piping, one JSON message per line in and out. */
import type { Command } from 'commander';
import { ALL_METHODS } from '../../server/protocol';
import { attachDaemon } from '../daemon/background';
import { CliExit, EXIT } from '../exit-codes';
import { globalsOf } from '../kit';
import { runBridge } from '../rpc/bridge';

const NOTIFICATIONS = new Set(ALL_METHODS.filter((d) => d.kind === 'notification' && d.direction === 'clientToServer').map((d) => d.method));

export function registerRpc(program: Command): void {
  program.command('rpc')
    .summary('JSON-RPC piping: one JSON message per line in and out')
    .description('JSON-RPC piping to the shared daemon: each stdin line is one request or notification ("jsonrpc" and "id" may be omitted: ids are assigned); stdout gets one JSON line per response and per server notification; "initialize" is sent for you unless the first line is one; an unparsable line answers a PARSE_ERROR line; at end of input it waits for the outstanding responses and exits 0')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dbPath } = globalsOf(cmd);
      const socket = (await attachDaemon(dbPath, { start: true }))!;
      const exit = await runBridge(socket, {
        input: process.stdin,
        write: (line) => { process.stdout.write(`${line}\n`); },
        isNotification: (method) => NOTIFICATIONS.has(method) || method.startsWith('$/'),
        clientName: 'vm-system-rpc',
      });
      if (exit !== EXIT.OK) throw new CliExit(exit);
    });
}
