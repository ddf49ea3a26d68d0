/** `vm-system template add-module|remove-module|list-modules|list-available-modules` and the library equivalents. */
import type { Command } from 'commander';
import type * as z from 'zod';
import {
  LibrariesListAvailable, ModulesListAvailable, TemplatesAddLibrary, TemplatesAddModule, TemplatesListLibraries,
  TemplatesListModules, TemplatesRemoveLibrary, TemplatesRemoveModule, type RequestDef,
} from '../../server/protocol';
import { libraryTable, moduleTable, names } from '../format/templates';
import { templateIdOf, withDaemon } from '../kit';

const ID_HELP = 'template id (or name: the newest template of that name)';

/** add-X / remove-X / list-Xs: the same three commands for modules and libraries. */
interface NameSet<K extends 'modules' | 'libraries'> {
  noun: 'module' | 'library';
  plural: 'modules' | 'libraries';
  field: K;
  add: { def: RequestDef<z.ZodType, z.ZodType>; description: string; nameHelp: string };
  remove: { def: RequestDef<z.ZodType, z.ZodType>; description: string };
  list: { def: RequestDef<z.ZodType, z.ZodType>; description: string };
}

function registerNameSet<K extends 'modules' | 'libraries'>(template: Command, set: NameSet<K>): void {
  const names_ = (r: unknown, p: Parameters<typeof names>[1]): string => names((r as Record<K, string[]>)[set.field], p);
  for (const [verb, spec] of [['add', set.add], ['remove', set.remove]] as const) {
    template.command(`${verb}-${set.noun}`)
      .description(spec.description)
      .argument('<id>', ID_HELP)
      .requiredOption('--name <name>', set.add.nameHelp)
      .action((id: string, opts: { name: string }, cmd: Command) => withDaemon(cmd, async (k) => {
        const templateId = await templateIdOf(k.call, id);
        k.print(await k.call(spec.def, { templateId, name: opts.name }), names_);
      }));
  }
  template.command(`list-${set.plural}`)
    .description(set.list.description)
    .argument('<id>', ID_HELP)
    .action((id: string, _opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      const templateId = await templateIdOf(k.call, id);
      k.print(await k.call(set.list.def, { templateId }), names_);
    }));
}

export function registerTemplateCatalog(template: Command): void {
  registerNameSet(template, {
    noun: 'module', plural: 'modules', field: 'modules',
    add: { def: TemplatesAddModule, description: 'enable a native module (fs, database, exec); prints the enabled modules', nameHelp: 'module name' },
    remove: { def: TemplatesRemoveModule, description: 'disable a native module; prints the enabled modules' },
    list: { def: TemplatesListModules, description: 'list the native modules the template enables' },
  });

  template.command('list-available-modules')
    .description('list the native modules a template may enable')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(ModulesListAvailable, {}), (r, p) => moduleTable(r.modules, p));
    }));

  registerNameSet(template, {
    noun: 'library', plural: 'libraries', field: 'libraries',
    add: { def: TemplatesAddLibrary, description: 'add a library: a catalog name (lodash, loaded as its global) or any registry spec (ms, yup@1.4.0, pkg@^1, @scope/pkg); prints the libraries', nameHelp: 'library name or spec' },
    remove: { def: TemplatesRemoveLibrary, description: 'stop loading a library; prints the libraries' },
    list: { def: TemplatesListLibraries, description: 'list the libraries the template loads' },
  });

  template.command('list-available-libraries')
    .description('list the library catalog and what of it is cached')
    .action((_opts: unknown, cmd: Command) => withDaemon(cmd, async (k) => {
      k.print(await k.call(LibrariesListAvailable, {}), (r, p) => libraryTable(r.libraries, p));
    }));
}
