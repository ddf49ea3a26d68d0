/**
 * Installing a registry library as npm would for production: resolve the spec
 * (`yup@1.4.0`, `pkg@^1`, `pkg@latest`) against the registry, then its
 * `dependencies`, recursively, placing each package the way npm's tree does
 * (at the top of `node_modules` when that name is free there, nested under
 * the package that needs another version otherwise), fetch every tarball,
 * check it against the registry's integrity, and unpack the tree into a new
 * folder of the cache: `<trees>/<name>@<version>-<hash>/node_modules/…`.
 *
 * The folder's name hashes the resolved tree, so a tree is immutable once
 * written (temp folder + rename); installing the same resolution again
 * reuses it without fetching.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ssri from 'ssri';
import * as tar from 'tar';
import { parseLibrarySpec } from '../protocol';
import type { TreePackage } from '../core/ports';
import { checkSameOrigin, RegistryError, registryUrl, verifyIntegrity } from './registry-fetch';

// semver ships no types of its own; these are the functions used.
const semver = require('semver') as {
  valid(version: string): string | null;
  maxSatisfying(versions: string[], range: string): string | null;
  satisfies(version: string, range: string): boolean;
  validRange(range: string): string | null;
};

/** The registry has no such package, or no version matching the range. */
export class PackageNotFound extends Error {}

interface VersionMeta {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  dist?: { tarball?: string; integrity?: string; shasum?: string };
}
interface Packument { versions?: Record<string, VersionMeta>; 'dist-tags'?: Record<string, string> }

interface Node { meta: VersionMeta; location: string; parent: string | undefined }

/** A tree this big is not a library: refuse rather than fill the disk. */
const MAX_PACKAGES = 1500;
const PARALLEL_FETCHES = 6;
const COMPLETE = '.vm-system-complete';

export interface InstalledTree {
  name: string;
  version: string;
  integrity: string;
  /** Absolute folder holding `node_modules/<name>`. */
  path: string;
  dependencies: number;
  sizeKb: number;
  tree: TreePackage[];
}

export class PackageInstaller {
  private readonly packuments = new Map<string, Promise<Packument>>();

  constructor(private readonly treesDir: string, private readonly registry = registryUrl()) {}

  async install(spec: string, progress?: (message: string) => void): Promise<InstalledTree> {
    const parsed = parseLibrarySpec(spec);
    if (!parsed) throw new PackageNotFound(`"${spec}" is not a package spec`);
    const nodes = await this.resolve(parsed.name, parsed.range, progress);
    const root = nodes[0].meta;
    const tree: TreePackage[] = nodes.map((n) => ({ name: n.meta.name, version: n.meta.version, integrity: integrityOf(n.meta), path: n.location }));
    const hash = createHash('sha256').update(JSON.stringify(tree)).digest('hex').slice(0, 16);
    const dir = path.join(this.treesDir, `${root.name.replace('/', '+')}@${root.version}-${hash}`);
    if (!existsSync(path.join(dir, COMPLETE))) await this.fetchTree(nodes, dir, progress);
    return { name: root.name, version: root.version, integrity: integrityOf(root), path: dir, dependencies: nodes.length - 1, sizeKb: folderSizeKb(dir), tree };
  }

  private async resolve(name: string, range: string, progress?: (message: string) => void): Promise<Node[]> {
    const rootMeta = await this.pick(name, range);
    const nodes: Node[] = [{ meta: rootMeta, location: `node_modules/${rootMeta.name}`, parent: undefined }];
    const at = new Map(nodes.map((n) => [n.location, n]));
    progress?.(`resolved ${rootMeta.name}@${rootMeta.version}`);
    for (let i = 0; i < nodes.length; i++) {
      const parent = nodes[i];
      for (const [dep, depRange] of Object.entries(parent.meta.dependencies ?? {})) {
        // Node's lookup from the parent: its own node_modules, then each ancestor's, then the top.
        let found: Node | undefined;
        for (let loc: string | undefined = parent.location; !found; loc = at.get(loc)?.parent) {
          found = at.get(loc === undefined ? `node_modules/${dep}` : `${loc}/node_modules/${dep}`);
          if (loc === undefined) break;
        }
        if (found && satisfies(found.meta.version, depRange)) continue;
        const meta = await this.pick(dep, depRange);
        const location = found ? `${parent.location}/node_modules/${dep}` : `node_modules/${dep}`;
        const node = { meta, location, parent: found ? parent.location : undefined };
        nodes.push(node);
        at.set(location, node);
        if (nodes.length > MAX_PACKAGES) throw new RegistryError(`${name}: more than ${MAX_PACKAGES} packages in its dependency tree`);
      }
    }
    return nodes;
  }

  /** The version of `name` that `range` picks: an exact version, a dist-tag, or the highest match (`latest` when it matches). */
  private async pick(name: string, range: string): Promise<VersionMeta> {
    // An exact version has its own document (`/<name>/<version>`): no need for every version of the package.
    if (semver.valid(range)) {
      const meta = await getRegistryJson(`${this.registry}${name.replace('/', '%2f')}/${range}`, `the registry has no version ${range} of ${name}`) as VersionMeta;
      return { ...meta, name };
    }
    let packument = this.packuments.get(name);
    if (!packument) {
      packument = getRegistryJson(`${this.registry}${name.replace('/', '%2f')}`, `the registry has no package ${name}`) as Promise<Packument>;
      this.packuments.set(name, packument);
    }
    const doc = await packument;
    const versions = doc.versions ?? {};
    const tags = doc['dist-tags'] ?? {};
    let version: string | undefined;
    if (versions[range]) version = range;
    else if (tags[range]) version = tags[range];
    else if (semver.validRange(range)) {
      version = tags.latest && versions[tags.latest] && semver.satisfies(tags.latest, range) ? tags.latest : semver.maxSatisfying(Object.keys(versions), range) ?? undefined;
    }
    const meta = version ? versions[version] : undefined;
    if (!meta) throw new PackageNotFound(`the registry has no version of ${name} matching "${range}"`);
    return { ...meta, name };
  }

  private async fetchTree(nodes: Node[], dir: string, progress?: (message: string) => void): Promise<void> {
    mkdirSync(path.dirname(dir), { recursive: true });
    const staging = mkdtempSync(`${dir}.partial-`);
    try {
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < nodes.length) {
          const node = nodes[next++];
          await fetchInto(node.meta, path.join(staging, node.location), this.registry);
          progress?.(`fetched ${node.meta.name}@${node.meta.version} (${++done}/${nodes.length})`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, nodes.length) }, worker));
      writeFileSync(path.join(staging, COMPLETE), '');
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
  }
}

function satisfies(version: string, range: string): boolean {
  try {
    return semver.satisfies(version, range);
  } catch {
    return false;
  }
}

function integrityOf(meta: VersionMeta): string {
  return meta.dist?.integrity ?? (meta.dist?.shasum ? ssri.fromHex(meta.dist.shasum, 'sha1').toString() : '');
}

async function getRegistryJson(url: string, notFound: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error' });
  } catch (error) {
    throw new RegistryError(`cannot reach ${url}: ${(error as Error).message}`);
  }
  if (response.status === 404) throw new PackageNotFound(notFound);
  if (!response.ok) throw new RegistryError(`${url}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new RegistryError(`${url}: the registry answered something that is not JSON`);
  }
}

/** One tarball from the registry's own origin, checked, unpacked into `target` (the archive's top folder stripped). Links and `..` entries are refused. */
async function fetchInto(meta: VersionMeta, target: string, registry: string): Promise<void> {
  const url = meta.dist?.tarball;
  if (!url) throw new RegistryError(`${meta.name}@${meta.version}: no dist.tarball in the package metadata`);
  // Metadata must not send us to other hosts or local services (docs/security.md).
  checkSameOrigin(url, registry);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'error' });
  } catch (error) {
    throw new RegistryError(`cannot reach ${url}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) throw new RegistryError(`${url}: HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  verifyIntegrity(bytes, meta.dist?.integrity, meta.dist?.shasum, `${meta.name}@${meta.version}`);
  mkdirSync(target, { recursive: true });
  await pipeline(Readable.from([bytes]), tar.x({
    cwd: target, strip: 1, strict: true,
    filter: (p, entry) => !p.split('/').includes('..') && (!('type' in entry) || entry.type === 'File' || entry.type === 'Directory' || entry.type === 'OldFile'),
  }));
}

export function folderSizeKb(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) bytes += statSync(p).size;
    }
  };
  try {
    walk(dir);
  } catch {
    // a tree being removed: its size does not matter
  }
  return Math.round(bytes / 102.4) / 10;
}
