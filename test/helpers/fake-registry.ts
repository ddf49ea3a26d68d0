/**
 * A local npm registry for one or more packages: version metadata
 * (`/<name>/<version>`), the package document with every version and
 * dist-tags (`/<name>`, scoped names as `@scope%2fname`), and a tarball built
 * here from the given files, with the real integrity hash (or a wrong one, to
 * test the check). Packages may declare `dependencies`; `publish()` adds
 * versions later. Serves 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as tar from 'tar';
import { tempDir } from './daemon';

export interface FakePackage {
  name: string; version: string; files: Record<string, string>; corruptIntegrity?: boolean; dependencies?: Record<string, string>;
  /** Where the metadata says the tarball is (default: this registry). */
  tarballOrigin?: string;
}

export interface FakeRegistry { url: string; requests: string[]; publish(pkg: FakePackage): Promise<void>; close(): Promise<void> }

export async function startFakeRegistry(initial: FakePackage[]): Promise<FakeRegistry> {
  const tarballs = new Map<string, Buffer>();
  const packages: FakePackage[] = [];
  const dirs: string[] = [];
  const publish = async (pkg: FakePackage) => {
    const dir = tempDir('vmsys-pkg-');
    dirs.push(dir);
    const files = { 'package.json': JSON.stringify({ name: pkg.name, version: pkg.version, dependencies: pkg.dependencies }), ...pkg.files };
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, 'package', rel)), { recursive: true });
      writeFileSync(path.join(dir, 'package', rel), content);
    }
    const file = path.join(dir, 'pkg.tgz');
    await tar.c({ gzip: true, cwd: dir, file }, ['package']);
    tarballs.set(`${pkg.name}@${pkg.version}`, readFileSync(file));
    packages.push(pkg);
  };
  for (const pkg of initial) await publish(pkg);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const meta = /^\/([^/]+)\/([^/]+)$/.exec(req.url ?? '');
    const doc = /^\/([^/]+)$/.exec(req.url ?? '');
    const tgz = /^\/tarballs\/([^/]+)\.tgz$/.exec(req.url ?? '');
    const versionMeta = (pkg: FakePackage) => {
      const key = `${pkg.name}@${pkg.version}`;
      const digest = createHash('sha512').update(pkg.corruptIntegrity ? Buffer.from('other') : tarballs.get(key)!).digest('base64');
      return { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, dist: { tarball: `${pkg.tarballOrigin ?? base}/tarballs/${encodeURIComponent(key)}.tgz`, integrity: `sha512-${digest}` } };
    };
    if (doc && !tgz) {
      const name = decodeURIComponent(doc[1]);
      const all = packages.filter((p) => p.name === name);
      if (all.length === 0) { res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}'); return; }
      const versions = Object.fromEntries(all.map((p) => [p.version, versionMeta(p)]));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name, 'dist-tags': { latest: all[all.length - 1].version }, versions }));
      return;
    }
    if (meta && !tgz) {
      const key = `${decodeURIComponent(meta[1])}@${meta[2]}`;
      const pkg = packages.find((p) => `${p.name}@${p.version}` === key);
      if (!tarballs.has(key) || !pkg) { res.writeHead(404).end('{}'); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(versionMeta(pkg)));
      return;
    }
    if (tgz && tarballs.has(decodeURIComponent(tgz[1]))) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarballs.get(decodeURIComponent(tgz[1])));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    publish,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
