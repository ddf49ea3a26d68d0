/**
 * isolated-vm as this Node loads it (../engine.ts picks the package): the host's
 * only value import of the engine, so the same code runs isolated-vm 6.2 on
 * Node 22/24 and 5.0.4 on Node 20. Types come from the package's declarations.
 */
import type IsolatedVM from 'isolated-vm';
import { loadEngine } from '../engine';

const ivm: typeof IsolatedVM = loadEngine();
// eslint-disable-next-line @typescript-eslint/no-namespace -- the engine's types under the same name as its value
declare namespace ivm {
  type Isolate = IsolatedVM.Isolate;
  type Context = IsolatedVM.Context;
  type Script = IsolatedVM.Script;
  type Module = IsolatedVM.Module;
  type Reference<T = any> = IsolatedVM.Reference<T>;
  type ExternalCopy<T = any> = IsolatedVM.ExternalCopy<T>;
  type Callback<T extends (...args: any[]) => any = any> = IsolatedVM.Callback<T>;
  type InspectorSession = IsolatedVM.InspectorSession;
}
export default ivm;
