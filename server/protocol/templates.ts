import * as z from 'zod';
import { request } from './define';
import { Capability, CapabilityKind, Id, Settings, StartupFile, Template, TemplateDetail, TemplateRetention } from './entities';

const TemplateRef = { templateId: Id };
const Name = z.string().trim().min(1).max(200);

export const TemplatesCreate = request('templates/create',
  z.strictObject({ name: Name, engine: z.literal('isolated-vm').optional() }),
  TemplateDetail,
  'Creates a template with the default settings. Names need not be unique; lookups by name take the newest.');

export const TemplatesList = request('templates/list',
  z.strictObject({ name: z.string().optional() }).optional(),
  z.object({ templates: z.array(Template) }),
  'Templates, oldest first; `name` filters by exact name.');

export const TemplatesGet = request('templates/get', z.strictObject(TemplateRef), TemplateDetail, 'One template with everything it configures.');

export const TemplatesDelete = request('templates/delete', z.strictObject(TemplateRef), z.object({ deleted: z.literal(true) }),
  'Deletes a template and its settings, capabilities, startup files, modules and libraries; live sessions keep running.');

export const TemplatesUpdateSettings = request('templates/updateSettings',
  z.strictObject({
    ...TemplateRef,
    limits: Settings.shape.limits.partial().optional(),
    resolver: Settings.shape.resolver.partial().optional(),
    runtime: Settings.shape.runtime.partial().optional(),
    retention: TemplateRetention.optional(),
  }),
  Settings,
  'Merges the given fields into the settings and answers the whole result. Applies to sessions created afterwards.');

export const TemplatesAddCapability = request('templates/addCapability',
  z.strictObject({
    ...TemplateRef,
    kind: CapabilityKind,
    name: Name,
    enabled: z.boolean().default(true),
    config: z.record(z.string(), z.unknown()).default({}),
  }),
  Capability, 'Adds a capability (e.g. kind `fs` with `config: {readOnly: true}`).');

export const TemplatesListCapabilities = request('templates/listCapabilities', z.strictObject(TemplateRef),
  z.object({ capabilities: z.array(Capability) }), 'Capabilities in the order they were added.');

export const TemplatesAddStartupFile = request('templates/addStartupFile',
  z.strictObject({
    ...TemplateRef,
    path: z.string().min(1),
    orderIndex: z.number().int().min(0).default(0),
    /** Only `eval` is supported; anything else answers STARTUP_MODE_UNSUPPORTED. */
    mode: z.string().default('eval'),
  }),
  StartupFile, 'Adds a file run at session start; the path is checked like run-file paths (INVALID_PATH) and must exist when a session starts.');

export const TemplatesListStartupFiles = request('templates/listStartupFiles', z.strictObject(TemplateRef),
  z.object({ startupFiles: z.array(StartupFile) }), 'Startup files sorted by `orderIndex`.');

export const TemplatesRemoveStartupFile = request('templates/removeStartupFile',
  z.strictObject({ ...TemplateRef, startupFileId: Id }), z.object({ removed: z.literal(true) }),
  'Removes a startup file; an unknown startupFileId answers VALIDATION_ERROR (field `startupFileId`).');

const ModuleName = z.strictObject({ ...TemplateRef, name: z.string().min(1) });
const ModulesResult = z.object({ modules: z.array(z.string()) });
export const TemplatesAddModule = request('templates/addModule', ModuleName, ModulesResult,
  'Enables a native module (`fs`, `database`, `exec`); JS built-ins and unknown names answer MODULE_NOT_ALLOWED. Idempotent.');
export const TemplatesRemoveModule = request('templates/removeModule', ModuleName, ModulesResult, 'Disables a native module. Idempotent.');
export const TemplatesListModules = request('templates/listModules', z.strictObject(TemplateRef), ModulesResult, 'Enabled native modules.');

const LibraryName = z.strictObject({ ...TemplateRef, name: z.string().min(1) });
const LibrariesResult = z.object({ libraries: z.array(z.string()) });
export const TemplatesAddLibrary = request('templates/addLibrary', LibraryName, LibrariesResult,
  'Adds a library: a catalog name (`lodash`, `lodash@4.17.21`: loaded as its global) or any registry package spec (`ms`, `yup@1.4.0`, `pkg@^1`, `@scope/pkg@2`: `require`/`import` find it). Adding another version of a package replaces it. A name that is not a package spec answers LIBRARY_NOT_FOUND. Idempotent; `libraries/install` fetches it.');
export const TemplatesRemoveLibrary = request('templates/removeLibrary', LibraryName, LibrariesResult, 'Removes a library. Idempotent.');
export const TemplatesListLibraries = request('templates/listLibraries', z.strictObject(TemplateRef), LibrariesResult, 'Libraries of the template.');
