import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LibrariesPort, ResolvedLibrary } from '../core/ports';
import { DomainError } from '../core/errors';
import { findEntry, LIBRARY_CATALOG, type CatalogEntry } from './catalog';
import { folderSizeKb, PackageInstaller, PackageNotFound } from './package-install';
import { fetchPackage } from './registry-fetch';

/**
 * The local library cache. Catalog libraries: `<cacheDir>/<name>@<version>/package/…`,
 * the unpacked npm tarball. Registry libraries: `<cacheDir>/trees/<name>@<version>-<hash>/node_modules/…`,
 * the resolved production tree (package-install.ts). Sessions only ever load from here.
 */
export class LibraryCache implements LibrariesPort {
  constructor(readonly cacheDir: string) {}

  catalog() {
    return LIBRARY_CATALOG.map((e) => ({ name: e.name, version: e.version, global: e.global, description: e.description, cached: existsSync(this.fileOf(e)) }));
  }

  canonicalName(name: string): string | undefined {
    const entry = findEntry(name);
    if (!entry) return undefined;
    return name.includes('@') ? `${entry.name}@${entry.version}` : entry.name;
  }

  resolve(name: string): ResolvedLibrary | undefined {
    const entry = findEntry(name);
    if (!entry || !existsSync(this.fileOf(entry))) return undefined;
    return { name: entry.name, version: entry.version, global: entry.global, file: this.fileOf(entry) };
  }

  /** Fetches the named catalog entries (all when omitted) into the cache, one after the other. */
  async install(names: string[], progress?: (message: string, percentage: number) => void): Promise<Array<{ name: string; version: string; path: string; integrity: string; sizeKb: number }>> {
    const entries = names.map((name) => {
      const entry = findEntry(name);
      if (!entry) throw new DomainError('LIBRARY_NOT_FOUND', `library "${name}" is not in the catalog`, { name, available: LIBRARY_CATALOG.map((e) => e.name) });
      return entry;
    });
    const installed = [];
    for (const [i, entry] of entries.entries()) {
      progress?.(`${entry.name}@${entry.version}`, Math.round((i / entries.length) * 100));
      let integrity = '';
      if (!existsSync(this.fileOf(entry))) {
        integrity = await fetchPackage(entry, this.dirOf(entry)).catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          throw new DomainError('LIBRARY_FETCH_FAILED', `could not install ${entry.name}@${entry.version}: ${reason}`, { name: entry.name, reason });
        }) ?? '';
      }
      installed.push({ name: entry.name, version: entry.version, path: this.dirOf(entry), integrity, sizeKb: folderSizeKb(this.dirOf(entry)) });
    }
    return installed;
  }

  async installPackage(spec: string, progress?: (message: string) => void) {
    try {
      return await new PackageInstaller(path.join(this.cacheDir, 'trees')).install(spec, progress);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PackageNotFound) throw new DomainError('LIBRARY_NOT_FOUND', `library "${spec}": ${reason}`, { name: spec });
      throw new DomainError('LIBRARY_FETCH_FAILED', `could not install ${spec}: ${reason}`, { name: spec, reason });
    }
  }

  hasTree(dir: string): boolean {
    return existsSync(dir);
  }

  dirOf(entry: CatalogEntry): string {
    return path.join(this.cacheDir, `${entry.name}@${entry.version}`);
  }

  private fileOf(entry: CatalogEntry): string {
    return path.join(this.dirOf(entry), 'package', entry.file);
  }
}
