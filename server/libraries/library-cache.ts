import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LibrariesPort, ResolvedLibrary } from '../core/ports';
import { findEntry, LIBRARY_CATALOG, type CatalogEntry } from './catalog';

/**
 * The local library cache: `<cacheDir>/<name>@<version>/package/…`, the
 * unpacked npm tarball. Sessions only ever load from here.
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

  async install(): Promise<Array<{ name: string; version: string; path: string }>> {
    throw new Error('libraries/install is not implemented yet');
  }

  dirOf(entry: CatalogEntry): string {
    return path.join(this.cacheDir, `${entry.name}@${entry.version}`);
  }

  private fileOf(entry: CatalogEntry): string {
    return path.join(this.dirOf(entry), 'package', entry.file);
  }
}
