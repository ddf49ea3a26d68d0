/**
 * Isolate snapshots of a template's catalog libraries, already evaluated: a
 * session of that template starts from the snapshot instead of running
 * lodash's and dayjs's top-level code again (~8 ms of V8 work per isolate,
 * even with the code cache).
 *
 * Used only where the engine restores snapshots faithfully. isolated-vm 5.0.4
 * on Node 20 does not (one-character strings come back wrong, so
 * `globalThis._` gets another name and minified libraries break), so
 * `snapshotsWork()` checks exactly that once per host, on the engine itself,
 * rather than trusting a version number; where it fails, library templates
 * rely on spare sessions alone (spare-sessions.ts).
 *
 * A snapshot is built once per set of library files (keyed by path, size and
 * mtime, like the code cache), off the path of the create that asked for it:
 * `createSnapshot` is synchronous and takes the host's thread for tens of
 * milliseconds, so it runs on a later turn of the event loop. A library file
 * that changed or went away is never served from an old snapshot: the key is
 * checked at every create, and a missing file takes the normal path (which
 * answers LIBRARY_NOT_CACHED).
 *
 * A snapshot is taken of the bootstrap, its hardening (`__vmsHarden`:
 * WebAssembly, SharedArrayBuffer, FinalizationRegistry removed, ArrayBuffer
 * narrowed) and then the libraries, so the libraries load into the same
 * hardened world as in a fresh session and cannot keep a reference to what
 * session code must not reach. After the restore the host runs the
 * bootstrap again and installs it with this session's bridge.
 */
import { readFileSync, statSync } from 'node:fs';
import type { HostSessionSpec } from '../messages';
import ivm from './ivm';

type Library = HostSessionSpec['libraries'][number];

/** Library sets with a snapshot kept at once (each is ~0.7 MB for lodash + dayjs). */
const MAX_SNAPSHOTS = 4;

let works: boolean | undefined;

/** Does this engine restore a snapshot as it was taken? (One-character names and strings are what 5.0.4 gets wrong.) */
export function snapshotsWork(): boolean {
  if (works !== undefined) return works;
  works = false;
  let isolate: ivm.Isolate | undefined;
  try {
    const snapshot = ivm.Isolate.createSnapshot([{ code: "var _ = 'a'; var ab = { b: 'c', cd: ['d', 'e'] }; function f(x) { return x + _; }" }]);
    isolate = new ivm.Isolate({ memoryLimit: 16, snapshot });
    const context = isolate.createContextSync();
    works = context.evalSync("_ === 'a' && ab.b === 'c' && ab.cd.join('') === 'de' && f('x') === 'xa' && Object.keys(ab).join() === 'b,cd'") === true;
  } catch {
    works = false;
  } finally {
    isolate?.dispose();
  }
  return works;
}

interface Entry { key: string; snapshot?: ivm.ExternalCopy<ArrayBuffer> }

export class LibrarySnapshots {
  private readonly entries = new Map<string, Entry>();

  /** `bootstrap`: the isolate bootstrap (strict mode), run and hardened in each snapshot before the libraries. */
  constructor(private readonly bootstrap: string) {}

  /**
   * The snapshot of `libraries` when one is built for their current files;
   * otherwise undefined, and one is built soon (when the engine supports it).
   */
  get(libraries: Library[]): ivm.ExternalCopy<ArrayBuffer> | undefined {
    if (libraries.length === 0 || works === false) return undefined;
    const key = fileKey(libraries);
    if (key === undefined) return undefined;
    const id = libraries.map((l) => l.file).join('\n');
    const entry = this.entries.get(id);
    if (entry && entry.key === key) return entry.snapshot;
    this.entries.delete(id);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < MAX_SNAPSHOTS) break;
      this.entries.delete(oldest);
    }
    const building: Entry = { key };
    this.entries.set(id, building);
    setImmediate(() => {
      // The engine check too (a snapshot of its own) is off the path of the create that got here first.
      if (this.entries.get(id) !== building || !snapshotsWork()) return;
      try {
        building.snapshot = ivm.Isolate.createSnapshot([
          { code: this.bootstrap, filename: '<vm-system>' },
          { code: 'globalThis.__vmsHarden(); delete globalThis.__vmsInstall;', filename: '<vm-system>' },
          ...libraries.map((l) => ({ code: readFileSync(l.file, 'utf8'), filename: `<library:${l.name}>` })),
        ]);
      } catch {
        // A library that throws while loading fails its sessions on the normal path, which says why.
      }
    });
    return undefined;
  }
}

/** Path, size and mtime of every file; undefined when one is missing (the normal path reports it). */
function fileKey(libraries: Library[]): string | undefined {
  try {
    return libraries.map((l) => {
      const st = statSync(l.file);
      return `${l.file}:${st.size}:${st.mtimeMs}`;
    }).join('\n');
  } catch {
    return undefined;
  }
}
