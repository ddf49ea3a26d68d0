/** Human output of template results. */
import type { CachedLibraryInfo, Capability, InstalledLibraryInfo, LibraryInfo, ModuleInfo, Settings, StartupFile, Template, TemplateDetail } from '../../server/protocol';
import type { Paint } from './color';
import { keyValues, shortTime, table } from './layout';

export function templateTable(templates: Template[], paint: Paint): string {
  return table(['ID', 'NAME', 'ENGINE', 'CREATED'],
    templates.map((t) => [t.id, paint.bold(t.name), t.engine, shortTime(t.createdAt)]), paint, '(no templates)');
}

export function templateDetail(t: TemplateDetail, paint: Paint): string {
  const list = (xs: string[]): string => (xs.length ? xs.join(', ') : paint.dim('(none)'));
  return keyValues([
    ['id', t.id],
    ['name', paint.bold(t.name)],
    ['engine', t.engine],
    ['created', t.createdAt],
    ['updated', t.updatedAt],
    ['limits', limitsLine(t.settings.limits)],
    ['resolver', `roots ${t.settings.resolver.roots.join(',')}; extensions ${t.settings.resolver.extensions.join(',')}${t.settings.resolver.allowAbsoluteRepoImports ? '; absolute repo imports' : ''}`],
    ['runtime', `esm ${t.settings.runtime.esm}; strict ${t.settings.runtime.strict}; console ${t.settings.runtime.console}`],
    ['modules', list(t.modules)],
    ['libraries', list(t.libraries)],
    ['capabilities', list(t.capabilities.map((c) => `${c.kind}:${c.name}${c.enabled ? '' : ' (disabled)'}`))],
    ['startup files', list(t.startupFiles.map((s) => `${s.orderIndex} ${s.path}`))],
  ], paint);
}

export function limitsLine(l: Settings['limits']): string {
  return `cpu ${l.cpuMs} ms, wall ${l.wallMs} ms, memory ${l.memMb} MB, events ${l.maxEvents}, output ${l.maxOutputKb} KB`;
}

export function settingsBlock(s: Settings, paint: Paint): string {
  return keyValues([
    ['cpuMs', s.limits.cpuMs], ['wallMs', s.limits.wallMs], ['memMb', s.limits.memMb],
    ['maxEvents', s.limits.maxEvents], ['maxOutputKb', s.limits.maxOutputKb],
    ['keepPerSession', s.retention?.keepPerSession], ['olderThanDays', s.retention?.olderThanDays],
  ], paint);
}

export function startupTable(files: StartupFile[], paint: Paint): string {
  return table(['ID', 'ORDER', 'MODE', 'PATH'], files.map((f) => [f.id, String(f.orderIndex), f.mode, f.path]), paint, '(no startup files)');
}

export function startupFile(f: StartupFile, paint: Paint): string {
  return keyValues([['id', f.id], ['template', f.templateId], ['path', f.path], ['order', f.orderIndex], ['mode', f.mode], ['created', f.createdAt]], paint);
}

export function capabilityTable(caps: Capability[], paint: Paint): string {
  return table(['ID', 'KIND', 'NAME', 'ENABLED', 'CONFIG'],
    caps.map((c) => [c.id, c.kind, c.name, c.enabled ? 'yes' : paint.dim('no'), JSON.stringify(c.config)]), paint, '(no capabilities)');
}

export function capability(c: Capability, paint: Paint): string {
  return keyValues([['id', c.id], ['template', c.templateId], ['kind', c.kind], ['name', c.name], ['enabled', c.enabled], ['config', JSON.stringify(c.config)], ['created', c.createdAt]], paint);
}

/** A plain list, one name per line (`(none)` when empty). */
export function names(xs: string[], paint: Paint, empty = '(none)'): string {
  return xs.length ? `${xs.join('\n')}\n` : `${paint.dim(empty)}\n`;
}

export function moduleTable(modules: ModuleInfo[], paint: Paint): string {
  return table(['NAME', 'FUNCTIONS', 'DESCRIPTION'], modules.map((m) => [paint.bold(m.name), m.functions.join(', '), m.description]), paint);
}

export function libraryTable(libraries: LibraryInfo[], paint: Paint): string {
  return table(['NAME', 'VERSION', 'GLOBAL', 'CACHED', 'DESCRIPTION'],
    libraries.map((l) => [paint.bold(l.name), l.version, l.global, l.cached ? paint.green('yes') : paint.dim('no'), l.description]), paint);
}

export function installedTable(installed: InstalledLibraryInfo[], paint: Paint): string {
  return table(['NAME', 'VERSION', 'DEPENDENCIES', 'INTEGRITY', 'PATH'],
    installed.map((l) => [paint.bold(l.name), l.version, String(l.dependencies), shortIntegrity(l.integrity, paint), l.path]), paint, '(nothing installed)');
}

/** One row of `libs list`: a catalog entry and/or what the cache holds of it. */
export interface LibraryRow {
  name: string;
  version: string;
  /** The global a catalog library defines; null for a registry library. */
  global: string | null;
  description: string;
  cached: boolean;
  integrity: string;
  sizeKb: number | null;
  templates: string[];
}

/** The catalog (`libraries/listAvailable`) with the cache (`libraries/list`) merged in, then the cached registry libraries. */
export function libraryRows(catalog: LibraryInfo[], cached: CachedLibraryInfo[]): LibraryRow[] {
  const used = new Set<CachedLibraryInfo>();
  const rows: LibraryRow[] = catalog.map((c) => {
    const hit = cached.find((l) => l.name === c.name && l.version === c.version);
    if (hit) used.add(hit);
    return { ...c, integrity: hit?.integrity ?? '', sizeKb: hit?.sizeKb ?? null, templates: hit?.templates ?? [] };
  });
  for (const l of cached) {
    if (!used.has(l)) rows.push({ name: l.name, version: l.version, global: null, description: '', cached: true, integrity: l.integrity, sizeKb: l.sizeKb, templates: l.templates });
  }
  return rows;
}

export function libraryListTable(rows: LibraryRow[], paint: Paint): string {
  return table(['NAME', 'VERSION', 'GLOBAL', 'CACHED', 'SIZE', 'INTEGRITY', 'TEMPLATES', 'DESCRIPTION'],
    rows.map((l) => [
      paint.bold(l.name), l.version, l.global ?? '-', l.cached ? paint.green('yes') : paint.dim('no'),
      l.sizeKb === null ? '-' : `${l.sizeKb} KB`, shortIntegrity(l.integrity, paint),
      l.templates.length ? l.templates.join(', ') : '-', l.description,
    ]), paint);
}

/** `sha512-AbCd…` → its algorithm and first characters: enough to compare by eye. */
function shortIntegrity(integrity: string, paint: Paint): string {
  return integrity ? `${integrity.slice(0, 18)}…` : paint.dim('-');
}
