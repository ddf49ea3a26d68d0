/**
 * The native modules a runtime host offers, by name. The runtime host
 * (server/runtime/host) looks modules up here; modules know nothing of the
 * runtime (they see a ModuleContext), so the dependency goes one way.
 * The names come from the protocol's NATIVE_MODULES: the compiler refuses a
 * table that misses one.
 */
import type { NativeModuleName } from '../protocol';
import { databaseModule } from './database';
import { execModule } from './exec';
import { fsModule } from './fs';
import type { NativeModule } from './native-module';

const BUILT_IN: Record<NativeModuleName, NativeModule> = { fs: fsModule, database: databaseModule, exec: execModule };

const modules = new Map<string, NativeModule>(Object.entries(BUILT_IN));

/** One more module, for a host built around a test module (test/runtime/fixtures/module-host.ts). */
export function addNativeModule(module: NativeModule): void {
  modules.set(module.name, module);
}

export function getNativeModule(name: string): NativeModule | undefined {
  return modules.get(name);
}

/** The enabled modules that have an implementation, with their function names (handed to the bootstrap). */
export function moduleTable(enabled: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of enabled) {
    const m = modules.get(name);
    if (m) out[name] = [...m.functions];
  }
  return out;
}
