import * as z from 'zod';
import { request, NoParams } from './define';

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

export const LibrariesInstall = request('libraries/install',
  z.strictObject({ names: z.array(z.string().min(1)).optional(), workDoneToken: z.union([z.string(), z.number()]).optional() }).optional(),
  z.object({ installed: z.array(z.object({ name: z.string(), version: z.string(), path: z.string() })) }),
  'Fetches catalog packages into the cache (all when `names` is omitted); reports `$/progress` with a workDoneToken.');
