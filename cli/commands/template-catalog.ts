/** `vm-system template add-module|remove-module|list-modules|list-available-modules` and the library equivalents. */
import type { Command } from 'commander';
import {
  LibrariesListAvailable, ModulesListAvailable, TemplatesAddLibrary, TemplatesAddModule, TemplatesListLibraries,
  TemplatesListModules, TemplatesRemoveLibrary, TemplatesRemoveModule,
} from '../../server/protocol';
import { libraryTable, moduleTable, names } from '../format/templates';
import { templateIdOf, withDaemon } from '../kit';

const ID_HELP = 'template id (or name: the newest template of that name)';

export function registerTemplateCatalog(template: Command): void {
  template.command('add-module')
    .description('enable a native module (fs, database, exec); prints the enabled modules')
    .argument('<id>', ID_HELP)
    .requiredOption('--name <name>', 'module name')
    .action((id: string, opts: { name: string }, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesAddModule, { templateId, name: opts.name }), (r, p) => names(r.modules, p));
    }));

  template.command('remove-module')
    .description('disable a native module; prints the enabled modules')
    .argument('<id>', ID_HELP)
    .requiredOption('--name <name>', 'module name')
    .action((id: string, opts: { name: string }, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesRemoveModule, { templateId, name: opts.name }), (r, p) => names(r.modules, p));
    }));

  template.command('list-modules')
    .description('list the native modules the template enables')
    .argument('<id>', ID_HELP)
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesListModules, { templateId }), (r, p) => names(r.modules, p));
    }));

  template.command('list-available-modules')
    .description('list the native modules a template may enable')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(ModulesListAvailable, {}), (r, p) => moduleTable(r.modules, p));
    }));

  template.command('add-library')
    .description('load a catalog library in sessions (lodash or lodash@4.17.21); prints the libraries')
    .argument('<id>', ID_HELP)
    .requiredOption('--name <name>', 'library name')
    .action((id: string, opts: { name: string }, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesAddLibrary, { templateId, name: opts.name }), (r, p) => names(r.libraries, p));
    }));

  template.command('remove-library')
    .description('stop loading a library; prints the libraries')
    .argument('<id>', ID_HELP)
    .requiredOption('--name <name>', 'library name')
    .action((id: string, opts: { name: string }, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesRemoveLibrary, { templateId, name: opts.name }), (r, p) => names(r.libraries, p));
    }));

  template.command('list-libraries')
    .description('list the libraries the template loads')
    .argument('<id>', ID_HELP)
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(TemplatesListLibraries, { templateId }), (r, p) => names(r.libraries, p));
    }));

  template.command('list-available-libraries')
    .description('list the library catalog and what of it is cached')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(LibrariesListAvailable, {}), (r, p) => libraryTable(r.libraries, p));
    }));
}
