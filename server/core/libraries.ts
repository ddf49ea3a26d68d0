/**
 * Libraries: what `templates/addLibrary` stores, what `libraries/install`
 * fetches and records, and what a session loads. A catalog name (`lodash`)
 * is a file evaluated at start that defines its global; any other spec
 * (`yup@1.4.0`, `ms`, `@scope/pkg@^2`) is a registry package installed with
 * its production dependency tree, recorded in the store, and loaded by
 * `require`/`import`: a template's sessions load the recorded tree until the
 * spec is installed again.
 */
import { formatLibrarySpec, parseLibrarySpec, type CachedLibraryInfo, type InstalledLibraryInfo } from '../protocol';
import { DomainError } from './errors';
import type { ClockPort, LibrariesPort, ResolvedLibrary, StorePort } from './ports';

export type Progress = (message: string, percentage: number) => void;

export class LibraryService {
  constructor(private readonly store: StorePort, private readonly libraries: LibrariesPort, private readonly clock: ClockPort) {}

  /** The form templates store: the catalog's canonical name, or the normalised spec; undefined when it is neither. */
  canonical(name: string): { spec: string; package: string; catalog: boolean } | undefined {
    const catalog = this.libraries.canonicalName(name);
    const parsed = parseLibrarySpec(name);
    if (catalog) return { spec: catalog, package: parseLibrarySpec(catalog)?.name ?? catalog, catalog: true };
    return parsed ? { spec: formatLibrarySpec(parsed), package: parsed.name, catalog: false } : undefined;
  }

  /** `names`, or every catalog library and every library a template names. */
  async install(names: string[] | undefined, progress?: Progress): Promise<{ installed: InstalledLibraryInfo[] }> {
    // What templates name comes first: a catalog library the registry cannot serve must not keep them from being installed.
    const wanted = names ?? [
      ...this.templateLibraries().flatMap((t) => t.libraries),
      ...this.libraries.catalog().map((e) => e.name),
    ];
    // Every name is checked before anything is fetched.
    const specs = [...new Map(wanted.map((name) => {
      const c = this.canonical(name);
      if (!c) throw new DomainError('LIBRARY_NOT_FOUND', `library "${name}" is neither in the catalog nor a package spec (name, name@version, name@range, @scope/name)`, { name });
      return [c.spec, c] as const;
    })).values()];
    const installed: InstalledLibraryInfo[] = [];
    for (const [i, c] of specs.entries()) {
      const percentage = Math.round((i / specs.length) * 100);
      progress?.(c.spec, percentage);
      const now = this.clock.now().toISOString();
      if (c.catalog) {
        const [r] = await this.libraries.install([c.spec], progress && ((m) => progress(m, percentage)));
        const integrity = r.integrity || this.store.getLibrary(c.spec)?.integrity || '';
        this.store.putLibrary({ spec: c.spec, name: r.name, version: r.version, integrity, path: r.path, sizeKb: r.sizeKb, tree: [], installedAt: now });
        installed.push({ name: r.name, version: r.version, integrity, path: r.path, dependencies: 0 });
      } else {
        const t = await this.libraries.installPackage(c.spec, progress && ((m) => progress(m, percentage)));
        this.store.putLibrary({ ...t, spec: c.spec, installedAt: now });
        installed.push({ name: t.name, version: t.version, integrity: t.integrity, path: t.path, dependencies: t.tree.length - 1 });
      }
      await this.store.flush();
    }
    return { installed };
  }

  /** What is in the cache, with the templates naming each. */
  list(): { libraries: CachedLibraryInfo[] } {
    const templates = this.templateLibraries();
    const libraries = this.store.listLibraries()
      .filter((l) => this.libraries.hasTree(l.path))
      .map((l) => ({
        name: l.name, version: l.version, integrity: l.integrity, sizeKb: l.sizeKb,
        templates: templates.filter((t) => t.libraries.includes(l.spec)).map((t) => t.id),
      }));
    return { libraries };
  }

  private templateLibraries(): Array<{ id: string; libraries: string[] }> {
    return this.store.listTemplates().map((t) => ({ id: t.id, libraries: this.store.getTemplate(t.id)?.libraries ?? [] }));
  }

  /** What a template's sessions load; LIBRARY_NOT_CACHED for one not installed. */
  resolveFor(specs: string[]): ResolvedLibrary[] {
    return specs.map((spec) => {
      const notCached = () => new DomainError('LIBRARY_NOT_CACHED', `library ${spec} is not in the local cache; run: vm-system libs install ${spec}`,
        { name: spec, fix: `vm-system libs install ${spec}` });
      if (this.libraries.canonicalName(spec)) {
        const resolved = this.libraries.resolve(spec);
        if (!resolved) throw notCached();
        return resolved;
      }
      const record = this.store.getLibrary(spec);
      if (!record || !this.libraries.hasTree(record.path)) throw notCached();
      return { name: record.name, version: record.version, root: record.path };
    });
  }
}
