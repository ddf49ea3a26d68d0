import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ssri from 'ssri';
import * as tar from 'tar';
import type { CatalogEntry } from './catalog';

/** `VM_SYSTEM_REGISTRY`, else npm's own setting, else the public registry. */
export function registryUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.VM_SYSTEM_REGISTRY || env.npm_config_registry || 'https://registry.npmjs.org/').replace(/\/?$/, '/');
}

export class RegistryError extends Error {}

/**
 * `VM_SYSTEM_LIBRARY_PINS=ignore` checks tarballs against the registry's own
 * integrity only, not the catalog's pins: for tests with a fake registry
 * serving rebuilt packages. Never needed otherwise.
 */
function pinsIgnored(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.VM_SYSTEM_LIBRARY_PINS === 'ignore';
}

/**
 * Fetches one pinned package as `npm pack` would: the version's metadata for
 * the tarball URL (which must be on the registry's own origin: metadata must
 * not send us to other hosts or local services), the tarball checked against
 * the catalog's pinned integrity and the metadata's, unpacked into
 * `targetDir/package` atomically (temp dir + rename; leftovers of an
 * interrupted install are removed first).
 */
export async function fetchPackage(entry: CatalogEntry, targetDir: string, registry = registryUrl()): Promise<string | undefined> {
  const metaUrl = `${registry}${encodeURIComponent(entry.name)}/${entry.version}`;
  const meta = await getJson(metaUrl) as { dist?: { tarball?: string; integrity?: string; shasum?: string } };
  const tarball = meta.dist?.tarball;
  if (!tarball) throw new RegistryError(`${metaUrl}: no dist.tarball in the package metadata`);
  checkSameOrigin(tarball, registry);
  const response = await fetch(tarball, { redirect: 'error' }).catch((error: Error) => {
    throw new RegistryError(`cannot fetch ${tarball}: ${error.message}`);
  });
  if (!response.ok || !response.body) throw new RegistryError(`${tarball}: HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!pinsIgnored()) verifyIntegrity(bytes, entry.integrity, undefined, `${tarball} (the catalog's pin for ${entry.name}@${entry.version})`);
  verifyIntegrity(bytes, meta.dist?.integrity, meta.dist?.shasum, tarball);

  mkdirSync(path.dirname(targetDir), { recursive: true, mode: 0o700 });
  removeLeftovers(targetDir);
  const staging = mkdtempSync(`${targetDir}.partial-`);
  try {
    // strict: refuse absolute paths and `..` entries; tar already strips them, this makes it an error.
    await pipeline(Readable.from([bytes]), tar.x({ cwd: staging, strict: true, filter: (p) => !p.split('/').includes('..') }));
    rmSync(targetDir, { recursive: true, force: true });
    renameSync(staging, targetDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return meta.dist?.integrity;
}

/** The tarball must come from where the registry is: same scheme, host and port. */
export function checkSameOrigin(tarball: string, registry: string): void {
  let url: URL;
  try {
    url = new URL(tarball);
  } catch {
    throw new RegistryError(`the package metadata names a tarball that is not a URL: ${JSON.stringify(tarball.slice(0, 200))}`);
  }
  const expected = new URL(registry).origin;
  if (url.origin !== expected) throw new RegistryError(`the package metadata names a tarball on ${url.origin}, not on the registry's own origin ${expected}; refused`);
}

/** `<target>.partial-*` folders of an install that was killed mid-way. */
function removeLeftovers(targetDir: string): void {
  const prefix = `${path.basename(targetDir)}.partial-`;
  for (const name of readdirSync(path.dirname(targetDir))) {
    if (name.startsWith(prefix)) rmSync(path.join(path.dirname(targetDir), name), { recursive: true, force: true });
  }
}

/**
 * Checks the tarball with ssri: the strongest of the subresource-integrity
 * hashes the spec allows (sha512/384/256; `strict` drops the rest), else the
 * registry's legacy sha1 `shasum`. No hash at all is a refusal, not a pass.
 */
export function verifyIntegrity(bytes: Buffer, integrity: string | undefined, shasum: string | undefined, where: string): void {
  const expected = (integrity ? ssri.parse(integrity, { strict: true }) : null) ?? (shasum ? ssri.fromHex(shasum, 'sha1') : null);
  if (!expected) throw new RegistryError(`${where}: no integrity hash to verify the tarball against`);
  if (!ssri.checkData(bytes, expected)) throw new RegistryError(`${where}: integrity check failed (${expected.pickAlgorithm()})`);
}

async function getJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error' });
  } catch (error) {
    throw new RegistryError(`cannot reach ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new RegistryError(`${url}: HTTP ${response.status}`);
  return response.json();
}
