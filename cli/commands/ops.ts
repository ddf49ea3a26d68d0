/** `vm-system ops …` and `vm-system libs …`. */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { LibrariesInstall, LibrariesList, LibrariesListAvailable, OpsCompact, OpsHealth, OpsRetention, OpsRuntimeSummary, TemplatesAddLibrary, TemplatesRemoveLibrary, WorkDoneProgress } from '../../server/protocol';
import { stderrPaint } from '../format/color';
import { compactBlock, healthBlock, retentionBlock, runtimeSummaryBlock } from '../format/ops';
import { installedTable, libraryListTable, libraryRows, names } from '../format/templates';
import { intOption, templateIdOf, withDaemon } from '../kit';

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
  const libs = program.command('libs').description('libraries for templates: the catalog (lodash, dayjs, ramda, moment, zod, loaded as globals) or any registry spec (ms, yup@1.4.0, pkg@^1, @scope/pkg), and the local cache');

  libs.command('list')
    .description('list the catalog and the library cache: what is installed, its size and integrity, and the templates that use it')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const [available, cached] = await Promise.all([k.call(LibrariesListAvailable, {}), k.call(LibrariesList, {})]);
      k.print({ libraries: libraryRows(available.libraries, cached.libraries) }, (r, p) => libraryListTable(r.libraries, p));
    }));

  for (const [verb, def, description] of [
    ['add', TemplatesAddLibrary, 'add a library to a template (a catalog name or any spec: ms, yup@1.4.0, pkg@^1, @scope/pkg); prints its libraries; then: libs install'],
    ['remove', TemplatesRemoveLibrary, 'remove a library from a template; prints its libraries'],
  ] as const) {
    libs.command(verb)
      .description(description)
      .argument('<template>', 'template id (or name: the newest template of that name)')
      .argument('<spec>', 'library spec, e.g. yup@1.4.0')
      .action((template: string, spec: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
        const templateId = await templateIdOf(k.call, template);
        k.print(await k.call(def, { templateId, name: spec }), (r, p) => names(r.libraries, p));
      }));
  }

  libs.command('install')
    .description('install libraries into the cache with their dependencies, checking every tarball (every catalog library and every library a template names when no spec is given)')
    .argument('[specs...]', 'library specs, e.g. lodash yup@1.4.0 @scope/pkg@^2')
    .action((specs: string[], _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      // Unique per command: commands of several launchers run in one daemon process.
      const token = `cli-${randomUUID()}`;
      if (!k.json && k.term.stderr.isTTY) {
        const paint = stderrPaint(k.term);
        k.client.connection.onProgress(WorkDoneProgress, token, (value) => {
          if (value.kind === 'report') k.term.stderr.write(`\r\u001b[K${paint.dim(`${value.percentage ?? 0}% ${value.message ?? ''}`)}`);
          if (value.kind === 'end') k.term.stderr.write('\r\u001b[K');
        });
      }
      const result = await k.call(LibrariesInstall, { names: specs.length ? specs : undefined, workDoneToken: token });
      k.print(result, (r, p) => installedTable(r.installed, p));
    }));
}
