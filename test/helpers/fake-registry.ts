/**
 * A local npm registry for one or more packages: version metadata and a
 * tarball built here from the given files, with the real integrity hash
 * (or a wrong one, to test the check). Serves 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as tar from 'tar';
import { tempDir } from './daemon';

export interface FakePackage {
  name: string; version: string; files: Record<string, string>; corruptIntegrity?: boolean;
  /** Where the metadata says the tarball is (default: this registry). */
  tarballOrigin?: string;
}

export async function startFakeRegistry(packages: FakePackage[]): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const tarballs = new Map<string, Buffer>();
  for (const pkg of packages) {
    const dir = tempDir('vmsys-pkg-');
    for (const [rel, content] of Object.entries(pkg.files)) {
      mkdirSync(path.dirname(path.join(dir, 'package', rel)), { recursive: true });
      writeFileSync(path.join(dir, 'package', rel), content);
    }
    const file = path.join(dir, 'pkg.tgz');
    await tar.c({ gzip: true, cwd: dir, file }, ['package']);
    tarballs.set(`${pkg.name}@${pkg.version}`, (await import('node:fs')).readFileSync(file));
  }
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const meta = /^\/([^/]+)\/([^/]+)$/.exec(req.url ?? '');
    const tgz = /^\/tarballs\/([^/]+)\.tgz$/.exec(req.url ?? '');
    if (meta && !tgz) {
      const key = `${decodeURIComponent(meta[1])}@${meta[2]}`;
      const bytes = tarballs.get(key);
      const pkg = packages.find((p) => `${p.name}@${p.version}` === key);
      if (!bytes || !pkg) { res.writeHead(404).end('{}'); return; }
      const digest = createHash('sha512').update(pkg.corruptIntegrity ? Buffer.from('other') : bytes).digest('base64');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: pkg.name, version: pkg.version, dist: { tarball: `${pkg.tarballOrigin ?? base}/tarballs/${encodeURIComponent(key)}.tgz`, integrity: `sha512-${digest}` } }));
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
