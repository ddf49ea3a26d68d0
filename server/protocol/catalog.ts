import * as z from 'zod';
import { request, NoParams } from './define';
import { WorkDoneToken } from './lifecycle';

export const ModuleInfo = z.object({ name: z.string(), description: z.string(), functions: z.array(z.string()) });
export const LibraryInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** The global the library defines inside a session (`_` for lodash). */
  global: z.string(),
  description: z.string(),
  /** Whether the package is in the local cache, so sessions can load it. */
  cached: z.boolean(),
});
export type LibraryInfo = z.infer<typeof LibraryInfo>;
export type ModuleInfo = z.infer<typeof ModuleInfo>;

export const ModulesListAvailable = request('modules/listAvailable', NoParams.optional(),
  z.object({ modules: z.array(ModuleInfo) }), 'Native modules a template may enable.');

export const LibrariesListAvailable = request('libraries/listAvailable', NoParams.optional(),
  z.object({ libraries: z.array(LibraryInfo) }), 'The library catalog and what of it is cached.');

export const InstalledLibraryInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** The registry's Subresource Integrity of the package's tarball (`sha512-…`); '' for a catalog library cached before integrities were recorded. */
  integrity: z.string(),
  /** Where the package is in the daemon's cache. */
  path: z.string(),
  /** How many packages of its production dependency tree came with it. */
  dependencies: z.number().int(),
});
export type InstalledLibraryInfo = z.infer<typeof InstalledLibraryInfo>;

export const LibrariesInstall = request('libraries/install',
  z.strictObject({ names: z.array(z.string().min(1)).optional(), workDoneToken: WorkDoneToken.optional() }).optional(),
  z.object({ installed: z.array(InstalledLibraryInfo) }),
  'Installs libraries into the cache: catalog names, or any registry spec (`ms`, `yup@1.4.0`, `pkg@^1`, `@scope/pkg`) with its production dependency tree, every tarball checked against its integrity; the resolved tree is recorded, and sessions load exactly it until the next install. When `names` is omitted: every catalog library and every library a template names. LIBRARY_NOT_FOUND for a name or version the registry does not have, LIBRARY_FETCH_FAILED for registry or integrity failures. Reports `$/progress` with a workDoneToken.');

export const CachedLibraryInfo = z.object({
  name: z.string(),
  version: z.string(),
  integrity: z.string(),
  /** Size on disk of the package with its dependencies. */
  sizeKb: z.number(),
  /** Ids of the templates that name it. */
  templates: z.array(z.string()),
});
export type CachedLibraryInfo = z.infer<typeof CachedLibraryInfo>;

export const LibrariesList = request('libraries/list', NoParams.optional(),
  z.object({ libraries: z.array(CachedLibraryInfo) }), 'What is in the library cache, with the templates that use each library.');
