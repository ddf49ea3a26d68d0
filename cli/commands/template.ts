/** `vm-system template …`: templates, their limits, startup files and capabilities (modules and libraries: template-catalog.ts). */
import { Option, type Command } from 'commander';
import {
  CapabilityKind, TemplatesAddCapability, TemplatesAddStartupFile, TemplatesCreate, TemplatesDelete, TemplatesGet,
  TemplatesList, TemplatesListCapabilities, TemplatesListStartupFiles, TemplatesRemoveStartupFile, TemplatesUpdateSettings,
} from '../../server/protocol';
import { keyValues } from '../format/layout';
import {
  capability, capabilityTable, settingsBlock, startupFile, startupTable, templateDetail, templateTable,
} from '../format/templates';
import { intOption, jsonObject, templateIdOf, withDaemon } from '../kit';
import { registerTemplateCatalog } from './template-catalog';

const ID_HELP = 'template id (or name: the newest template of that name)';

export function registerTemplate(program: Command): void {
  const template = program.command('template')
    .summary('create and configure templates')
    .description('templates: limits, startup files, capabilities, modules and libraries of future sessions');

  template.command('create')
    .description('create a template with the default settings')
    .requiredOption('--name <name>', 'template name')
    .action((opts: { name: string }, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(TemplatesCreate, { name: opts.name }), templateDetail);
    }));

  template.command('list')
    .description('list templates, oldest first')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(TemplatesList, {}), (r, p) => templateTable(r.templates, p));
    }));

  template.command('get')
    .description('show a template with everything it configures')
    .argument('<id>', ID_HELP)
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(TemplatesGet, { templateId: await templateIdOf(k.call, id) }), templateDetail);
    }));

  template.command('delete')
    .description('delete a template (live sessions keep running)')
    .argument('<id>', ID_HELP)
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesDelete, { templateId }), (_r, p) => keyValues([['deleted', templateId]], p));
    }));

  template.command('set-limits')
    .description('change the limits of sessions created from the template afterwards; prints the resulting limits')
    .argument('<id>', ID_HELP)
    .option('--cpu-ms <n>', 'CPU time one execution may use', intOption(1))
    .option('--wall-ms <n>', 'wall time one execution may take', intOption(1))
    .option('--mem-mb <n>', 'isolate heap, 8..4096; exceeding it crashes the session', intOption(1))
    .option('--max-events <n>', 'events one execution may record', intOption(1))
    .option('--max-output-kb <n>', 'console output one execution may print, in KiB', intOption(1))
    .action((id: string, opts: { cpuMs?: number; wallMs?: number; memMb?: number; maxEvents?: number; maxOutputKb?: number }, cmd: Command) =>
      withDaemon(cmd, async (k) => {
        const limits = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
        const templateId = await templateIdOf(k.call, id);
        k.print(await k.call(TemplatesUpdateSettings, { templateId, limits }), settingsBlock);
      }));

  template.command('set-retention')
    .description("keep this template's sessions' history by its own rules instead of the daemon's (0: no limit); prints the resulting settings")
    .argument('<id>', ID_HELP)
    .option('--keep-per-session <n>', 'keep the newest N executions of each session', intOption(0))
    .option('--older-than-days <n>', 'delete finished executions older than this', intOption(0))
    .action((id: string, opts: { keepPerSession?: number; olderThanDays?: number }, cmd: Command) =>
      withDaemon(cmd, async (k) => {
        const retention = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
        const templateId = await templateIdOf(k.call, id);
        k.print(await k.call(TemplatesUpdateSettings, { templateId, retention }), settingsBlock);
      }));

  template.command('add-startup')
    .description('add a worktree file run when a session starts')
    .argument('<id>', ID_HELP)
    .requiredOption('--path <path>', 'worktree-relative path of the file')
    .option('--order <n>', 'order index: files run in ascending order', intOption(0))
    .option('--mode <mode>', 'how the file runs (only "eval")', 'eval')
    .action((id: string, opts: { path: string; order?: number; mode: string }, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesAddStartupFile, { templateId, path: opts.path, orderIndex: opts.order, mode: opts.mode }), startupFile);
    }));

  template.command('list-startup')
    .description('list startup files by order')
    .argument('<id>', ID_HELP)
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesListStartupFiles, { templateId }), (r, p) => startupTable(r.startupFiles, p));
    }));

  template.command('remove-startup')
    .description('remove a startup file')
    .argument('<id>', ID_HELP)
    .argument('<startup-id>', 'startup file id (see list-startup)')
    .action((id: string, startupFileId: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesRemoveStartupFile, { templateId, startupFileId }), (_r, p) => keyValues([['removed', startupFileId]], p));
    }));

  template.command('add-capability')
    .description('add a capability, e.g. --kind fs --name fs --config \'{"readOnly": true}\'')
    .argument('<id>', ID_HELP)
    .addOption(new Option('--kind <kind>', 'capability kind').choices(CapabilityKind.options).makeOptionMandatory())
    .requiredOption('--name <name>', 'capability name')
    .option('--config <json>', 'settings as a JSON object')
    .action((id: string, opts: { kind: CapabilityKind; name: string; config?: string }, cmd: Command) => withDaemon(cmd, async (k) => {
      const config = jsonObject('--config', opts.config);
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesAddCapability, { templateId, kind: opts.kind, name: opts.name, config }), capability);
    }));

  template.command('list-capabilities')
    .description('list capabilities in the order they were added')
    .argument('<id>', ID_HELP)
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesListCapabilities, { templateId }), (r, p) => capabilityTable(r.capabilities, p));
    }));

  registerTemplateCatalog(template);
}
