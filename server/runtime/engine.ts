/**
 * Which isolated-vm this Node runs. One `npm install` brings the right one:
 * both are optional dependencies, and npm skips an optional dependency whose
 * `engines` the running Node does not meet.
 *
 * - `isolated-vm` (^6.2.0, `engines.node >= 22`): prebuilt for Node 22 and 24,
 *   with advisory GHSA-864f-rcv7-6rh4 fixed.
 * - `isolated-vm-node20` (an alias of isolated-vm 5.0.4): the last release that
 *   supports Node 20; compiled at install; carries the advisory.
 *
 * Runtime hosts load the engine (`loadEngine`); the daemon only names it
 * (`findEngine`, for `ops/health`) without loading native code. Both run on the
 * same Node (hosts are forked with the daemon's `process.execPath`), so they agree.
 */
import { createRequire } from 'node:module';

export const ADVISORY = 'GHSA-864f-rcv7-6rh4';

export interface Engine {
  /** The package name in node_modules (an npm alias for the Node 20 build). */
  packageName: string;
  /** The isolated-vm release, e.g. "6.2.0". */
  version: string;
  advisoryFixed: boolean;
}

/** Preference order for this Node: the fixed engine first wherever it can run. */
function candidates(nodeMajor: number): string[] {
  return nodeMajor >= 22 ? ['isolated-vm', 'isolated-vm-node20'] : ['isolated-vm-node20', 'isolated-vm'];
}

/** ≥ 6.2.0 on the 6 line, ≥ 7.0.1 on the 7 line, anything newer. */
export function isAdvisoryFixed(version: string): boolean {
  const [major, minor, patch] = version.split('.').map((n) => Number.parseInt(n, 10));
  if (major === 6) return minor >= 2;
  if (major === 7) return minor > 0 || patch >= 1;
  return major > 7;
}

const nodeMajor = (): number => Number.parseInt(process.versions.node, 10);
// Resolved from this file's place: dist/ in the bundles (the package's node_modules
// beside it), server/runtime/ when run from sources.
const requireHere = createRequire(__filename);

/** The engine this Node would load, or undefined when none is installed. */
export function findEngine(): Engine | undefined {
  for (const packageName of candidates(nodeMajor())) {
    try {
      const { version } = requireHere(`${packageName}/package.json`) as { version: string };
      return { packageName, version, advisoryFixed: isAdvisoryFixed(version) };
    } catch {
      // not installed for this Node: try the next
    }
  }
  return undefined;
}

/** Thrown when no isolated-vm loads on this Node; the message says what was tried and what to do. */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
}

/** Loads isolated-vm for this Node (the first candidate that loads). */
export function loadEngine(): typeof import('isolated-vm') {
  const tried: string[] = [];
  for (const packageName of candidates(nodeMajor())) {
    try {
      return requireHere(packageName) as typeof import('isolated-vm');
    } catch (error) {
      tried.push(`${packageName}: ${firstLine(error)}`);
    }
  }
  throw new EngineUnavailableError(
    `no isolated-vm loads on Node ${process.version} (${process.platform}-${process.arch}). Tried ${tried.join('; ')}. `
    + 'Node 22 and 24 need no compiler (isolated-vm ships prebuilt binaries); Node 20 compiles isolated-vm 5.0.4 at install '
    + '(a C++ toolchain and Python; if npm asked you to approve install scripts, run `npm install-scripts approve isolated-vm` and install again).',
  );
}

/** What `ops/health` reports as `runtime`. */
export function runtimeIdentity(): { node: string; isolatedVm: string; platform: string } {
  return { node: process.version, isolatedVm: findEngine()?.version ?? 'none', platform: `${process.platform}-${process.arch}` };
}

/** A warning for the daemon's log when the engine carries the advisory, else undefined. */
export function engineWarning(engine: Engine | undefined = findEngine()): string | undefined {
  if (!engine) return `no isolated-vm is installed for Node ${process.version}: sessions cannot start (see the README's support matrix)`;
  if (engine.advisoryFixed) return undefined;
  return `Node ${process.version} runs isolated-vm ${engine.version}, the last release for Node 20, which carries advisory ${ADVISORY} `
    + '(type confusion in ExternalCopy transfer lists can let code escape an isolate). vm-system never hands isolated-vm\'s classes to '
    + 'session code, which is what the published exploit needs; still, run the daemon on Node 22 or 24 for the fixed engine (docs/security.md).';
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
