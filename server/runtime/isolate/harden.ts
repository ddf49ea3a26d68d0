/**
 * Globals removed or narrowed before session code runs, because with
 * isolated-vm 5.0.4 on Node 20 they let code escape `memoryLimit` or abort
 * the whole runtime-host process (and so every session sharing it):
 *
 * - `WebAssembly`: a Memory grows outside the isolate's memory limit (over
 *   1 GB RSS observed) and wasm code can grow it without any JS call. Removed.
 * - Resizable `ArrayBuffer`s (`maxByteLength`, `resize`): their backing store
 *   bypasses the limited allocator, and a view over one hit a V8 fatal check.
 *   The constructor ignores the option; `resize` is gone.
 * - `SharedArrayBuffer` (growable, and `Atomics.wait` on it blocks the
 *   isolate thread): removed.
 * - `FinalizationRegistry`: its callbacks run as tasks outside any execution,
 *   where no time limit applies. Removed (`WeakRef` stays).
 */
import * as P from './primordials';

export function harden(g: any): void {
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'FinalizationRegistry']) delete g[name];

  const Original = g.ArrayBuffer as ArrayBufferConstructor;
  delete (Original.prototype as any).resize;
  // The constructor without its options argument. The prototype stays the
  // same object, so `instanceof ArrayBuffer` and typed arrays are unaffected;
  // `prototype.constructor` points here so `buf.constructor` is no way back.
  const ArrayBuffer = function ArrayBuffer(this: unknown, length: unknown) {
    if (new.target === undefined) throw new P.TypeErrorCtor("Constructor ArrayBuffer requires 'new'");
    return Reflect.construct(Original, [length], new.target);
  } as unknown as ArrayBufferConstructor;
  // (bundling may rename the function: its name must read ArrayBuffer, as inspect shows it)
  P.ObjectDefineProperty(ArrayBuffer, 'name', { value: 'ArrayBuffer', configurable: true });
  P.ObjectDefineProperty(ArrayBuffer, 'prototype', { value: Original.prototype, writable: false, enumerable: false, configurable: false });
  P.ObjectDefineProperty(ArrayBuffer, 'isView', { value: Original.isView, writable: true, enumerable: false, configurable: true });
  P.ObjectDefineProperty(ArrayBuffer, Symbol.species, { get() { return this; }, configurable: true });
  P.ObjectDefineProperty(Original.prototype, 'constructor', { value: ArrayBuffer, writable: true, enumerable: false, configurable: true });
  P.ObjectDefineProperty(g, 'ArrayBuffer', { value: ArrayBuffer, writable: true, enumerable: false, configurable: true });
}
