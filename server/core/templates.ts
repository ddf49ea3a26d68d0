import {
  BUILTIN_MODULE_NAMES, DEFAULT_SETTINGS, ENGINE, NATIVE_MODULES,
  type Capability, type Settings, type StartupFile, type Template, type TemplateDetail, type ValidParamsOf,
  type TemplatesAddCapability, type TemplatesAddStartupFile, type TemplatesUpdateSettings,
} from '../protocol';
import { DomainError, invalidField, notFound } from './errors';
import type { ClockPort, FilesPort, IdPort, LibrariesPort, StorePort } from './ports';
import type { LibraryService } from './libraries';

export const DEFAULT_TEMPLATE_NAME = 'default';

/** Templates and everything they configure. Writes are flushed before they are answered. */
export class TemplateService {
  constructor(
    private readonly store: StorePort,
    private readonly files: FilesPort,
    private readonly libraries: LibrariesPort,
    private readonly clock: ClockPort,
    private readonly ids: IdPort,
    private readonly libraryService: LibraryService,
  ) {}

  async create(name: string): Promise<TemplateDetail> {
    const now = this.clock.now().toISOString();
    const detail: TemplateDetail = {
      id: this.ids.newId(), name, engine: ENGINE, createdAt: now, updatedAt: now,
      settings: structuredClone(DEFAULT_SETTINGS), capabilities: [], startupFiles: [], modules: [], libraries: [],
    };
    this.store.insertTemplate(detail);
    await this.store.flush();
    return detail;
  }

  /** The template named `default`, created on a daemon's first start. */
  async ensureDefault(): Promise<Template> {
    const existing = this.store.listTemplates(DEFAULT_TEMPLATE_NAME)[0];
    return existing ?? (await this.create(DEFAULT_TEMPLATE_NAME));
  }

  list(name?: string): Template[] {
    return this.store.listTemplates(name);
  }

  get(templateId: string): TemplateDetail {
    const detail = this.store.getTemplate(templateId);
    if (!detail) throw notFound('TEMPLATE_NOT_FOUND', templateId);
    return detail;
  }

  async delete(templateId: string): Promise<{ deleted: true }> {
    if (!this.store.deleteTemplate(templateId)) throw notFound('TEMPLATE_NOT_FOUND', templateId);
    await this.store.flush();
    return { deleted: true };
  }

  async updateSettings(params: ValidParamsOf<typeof TemplatesUpdateSettings>): Promise<Settings> {
    const current = this.get(params.templateId).settings;
    const settings: Settings = {
      limits: { ...current.limits, ...params.limits },
      resolver: { ...current.resolver, ...params.resolver },
      runtime: { ...current.runtime, ...params.runtime },
    };
    const retention = { ...current.retention, ...params.retention };
    if (Object.keys(retention).length > 0) settings.retention = retention;
    for (const [i, ext] of settings.resolver.extensions.entries()) {
      if (!/^\.[A-Za-z0-9]+$/.test(ext)) throw invalidField(`resolver.extensions.${i}`, 'expected an extension like ".js"');
    }
    for (const [i, root] of settings.resolver.roots.entries()) {
      const check = root === '.' ? { ok: true as const } : this.files.checkRelativePath(root);
      if (!check.ok) throw invalidField(`resolver.roots.${i}`, check.message);
    }
    this.touch(params.templateId, { settings });
    await this.store.flush();
    return settings;
  }

  async addCapability(params: ValidParamsOf<typeof TemplatesAddCapability>): Promise<Capability> {
    this.get(params.templateId);
    const capability: Capability = {
      id: this.ids.newId(), templateId: params.templateId, kind: params.kind, name: params.name,
      enabled: params.enabled, config: params.config, createdAt: this.clock.now().toISOString(),
    };
    this.store.insertCapability(capability);
    this.touch(params.templateId, {});
    await this.store.flush();
    return capability;
  }

  listCapabilities(templateId: string): { capabilities: Capability[] } {
    return { capabilities: this.get(templateId).capabilities };
  }

  async addStartupFile(params: ValidParamsOf<typeof TemplatesAddStartupFile>): Promise<StartupFile> {
    this.get(params.templateId);
    if (params.mode !== 'eval') {
      throw new DomainError('STARTUP_MODE_UNSUPPORTED', `startup mode "${params.mode}" is not supported (only "eval")`, { mode: params.mode });
    }
    const check = this.files.checkRelativePath(params.path);
    if (!check.ok) throw new DomainError('INVALID_PATH', check.message, { path: params.path });
    const file: StartupFile = {
      id: this.ids.newId(), templateId: params.templateId, path: check.normalized,
      orderIndex: params.orderIndex, mode: 'eval', createdAt: this.clock.now().toISOString(),
    };
    this.store.insertStartupFile(file);
    this.touch(params.templateId, {});
    await this.store.flush();
    return file;
  }

  listStartupFiles(templateId: string): { startupFiles: StartupFile[] } {
    return { startupFiles: sortStartupFiles(this.get(templateId).startupFiles) };
  }

  async removeStartupFile(templateId: string, startupFileId: string): Promise<{ removed: true }> {
    this.get(templateId);
    if (!this.store.deleteStartupFile(templateId, startupFileId)) {
      throw new DomainError('VALIDATION_ERROR', `startup file ${startupFileId} is not part of template ${templateId}`, { field: 'startupFileId' });
    }
    this.touch(templateId, {});
    await this.store.flush();
    return { removed: true };
  }

  async setModule(templateId: string, name: string, enabled: boolean): Promise<{ modules: string[] }> {
    const detail = this.get(templateId);
    if (!(NATIVE_MODULES as readonly string[]).includes(name)) {
      const builtin = (BUILTIN_MODULE_NAMES as readonly string[]).includes(name.toLowerCase());
      throw new DomainError('MODULE_NOT_ALLOWED', builtin
        ? `"${name}" is a JavaScript built-in, always available; modules are ${NATIVE_MODULES.join(', ')}`
        : `unknown module "${name}"; modules are ${NATIVE_MODULES.join(', ')}`, { name, allowed: [...NATIVE_MODULES] });
    }
    const modules = toggle(detail.modules, name, enabled);
    this.touch(templateId, { modules });
    await this.store.flush();
    return { modules };
  }

  listModules(templateId: string): { modules: string[] } {
    return { modules: this.get(templateId).modules };
  }

  async setLibrary(templateId: string, name: string, enabled: boolean): Promise<{ libraries: string[] }> {
    const detail = this.get(templateId);
    const library = this.libraryService.canonical(name);
    if (!library) {
      if (!enabled && detail.libraries.includes(name)) return this.saveLibraries(templateId, toggle(detail.libraries, name, false));
      throw new DomainError('LIBRARY_NOT_FOUND', `library "${name}" is neither in the catalog nor a package spec (name, name@version, name@range, @scope/name)`,
        { name, available: this.libraries.catalog().map((l) => l.name) });
    }
    // One entry per package: adding yup@1.4.0 replaces yup.
    const others = detail.libraries.filter((l) => (this.libraryService.canonical(l)?.package ?? l) !== library.package);
    return this.saveLibraries(templateId, enabled ? [...others, library.spec] : others);
  }

  listLibraries(templateId: string): { libraries: string[] } {
    return { libraries: this.get(templateId).libraries };
  }

  private async saveLibraries(templateId: string, libraries: string[]): Promise<{ libraries: string[] }> {
    this.touch(templateId, { libraries });
    await this.store.flush();
    return { libraries };
  }

  private touch(templateId: string, patch: { settings?: Settings; modules?: string[]; libraries?: string[] }): void {
    this.store.updateTemplate(templateId, { ...patch, updatedAt: this.clock.now().toISOString() });
  }
}

export function sortStartupFiles(files: StartupFile[]): StartupFile[] {
  return [...files].sort((a, b) => a.orderIndex - b.orderIndex || a.createdAt.localeCompare(b.createdAt));
}

function toggle(list: string[], name: string, on: boolean): string[] {
  const without = list.filter((x) => x !== name);
  return on ? [...without, name] : without;
}
