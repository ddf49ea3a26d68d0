/** `vm-system ops …` and `vm-system libs …`. */
import type { Command } from 'commander';
import { LibrariesInstall, LibrariesListAvailable, OpsCompact, OpsHealth, OpsRetention, OpsRuntimeSummary } from '../../server/protocol';
import { stderrPaint } from '../format/color';
import { compactBlock, healthBlock, retentionBlock, runtimeSummaryBlock } from '../format/ops';
import { installedTable, libraryTable } from '../format/templates';
import { intOption, withDaemon } from '../kit';

export function registerOps(program: Command): void {
  const ops = program.command('ops').description('operations: health, what is alive, history retention');

  ops.command('health')
    .description('liveness and identity of the daemon')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(OpsHealth, {}), (r, p) => healthBlock(r, p));
    }));

  ops.command('runtime-summary')
    .description('what is alive in memory now: sessions, running executions, runtime hosts')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(OpsRuntimeSummary, {}), runtimeSummaryBlock);
    }));

  ops.command('retention')
    .description('the history retention policy the daemon applies in the background, and what it last deleted')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(OpsRetention, {}), retentionBlock);
    }));

  ops.command('compact')
    .description('delete old execution history (never a running execution) and checkpoint the store')
    .option('--older-than-days <n>', 'delete finished executions older than this', intOption(0))
    .option('--keep-per-session <n>', 'keep only the newest N executions per session', intOption(0))
    .action((opts: { olderThanDays?: number; keepPerSession?: number }, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(OpsCompact, { olderThanDays: opts.olderThanDays, keepPerSession: opts.keepPerSession }), compactBlock);
    }));
}

export function registerLibs(program: Command): void {
  const libs = program.command('libs').description('the library catalog (lodash, dayjs, ramda, moment, zod) and its local cache');

  libs.command('list')
    .description('list the catalog and what of it is cached')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(LibrariesListAvailable, {}), (r, p) => libraryTable(r.libraries, p));
    }));

  libs.command('install')
    .description('fetch catalog libraries into the cache (all when no name is given)')
    .argument('[names...]', 'library names, e.g. lodash dayjs')
    .action((names: string[], _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const token = `cli-${process.pid}`;
      if (!k.json && process.stderr.isTTY) {
        const paint = stderrPaint();
        k.client.connection.onNotification('$/progress', (p: { token: unknown; value: { kind: string; message?: string; percentage?: number } }) => {
          if (p.token !== token) return;
          if (p.value.kind === 'report') process.stderr.write(`\r\u001b[K${paint.dim(`${p.value.percentage ?? 0}% ${p.value.message ?? ''}`)}`);
          if (p.value.kind === 'end') process.stderr.write('\r\u001b[K');
        });
      }
      const result = await k.call(LibrariesInstall, { names: names.length ? names : undefined, workDoneToken: token });
      k.print(result, (r, p) => installedTable(r.installed, p));
    }));
}
