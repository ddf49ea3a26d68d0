/**
 * Plugs the native modules into the runtime host's registry. Imported once,
 * for its side effect, by the runtime host's entry (server/runtime/host/main.ts):
 * modules run in the process that hosts the isolates, never in the daemon.
 */
import { registerNativeModule } from '../runtime/host/modules';
import { databaseModule } from './database';
import { execModule } from './exec';
import { fsModule } from './fs';

for (const module of [fsModule, databaseModule, execModule]) registerNativeModule(module);
