import { watch as chokidarWatch } from 'chokidar';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FileWatch, WatcherPort } from '../core/ports';

// Static specifiers only: `import x from './a'`, `export * from './b'`, `import('./c')`, `require('./d')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;
const MAX_FILES = 500;

/** chokidar for change events; a light scan of relative imports for what else to watch. */
export class FileWatcher implements WatcherPort {
  watch(paths: string[], onChange: (path: string) => void): FileWatch {
    let current = new Set(paths);
    // awaitWriteFinish would add its poll interval to every save; editors write whole files, so plain events suffice.
    const watcher = chokidarWatch([...current], { ignoreInitial: true });
    watcher.on('change', onChange).on('add', onChange).on('unlink', onChange);
    watcher.on('error', () => undefined);
    const ready = new Promise<void>((resolve) => {
      watcher.once('ready', () => resolve());
      // A watcher that errors before its scan ends must not hold watch/start forever.
      setTimeout(resolve, 2000).unref();
    });
    return {
      ready,
      update(next) {
        const wanted = new Set(next);
        const added = [...wanted].filter((p) => !current.has(p));
        const removed = [...current].filter((p) => !wanted.has(p));
        if (added.length) watcher.add(added);
        if (removed.length) watcher.unwatch(removed);
        current = wanted;
      },
      close: () => watcher.close(),
    };
  }

  dependenciesOf(worktreePath: string, relativePath: string, extensions: string[]): string[] {
    const root = path.resolve(worktreePath);
    const seen = new Set<string>([relativePath]);
    const queue = [relativePath];
    while (queue.length && seen.size < MAX_FILES) {
      const file = queue.shift()!;
      let source: string;
      try { source = readFileSync(path.join(root, file), 'utf8'); } catch { continue; }
      for (const match of source.matchAll(SPECIFIER)) {
        const resolved = resolveImport(root, path.dirname(file), match[2], extensions);
        if (resolved && !seen.has(resolved)) { seen.add(resolved); queue.push(resolved); }
      }
    }
    seen.delete(relativePath);
    return [...seen];
  }
}

function resolveImport(root: string, fromDir: string, specifier: string, extensions: string[]): string | undefined {
  const base = path.join(root, fromDir, specifier);
  if (!base.startsWith(root + path.sep)) return undefined;
  for (const candidate of [base, ...extensions.map((e) => base + e), ...extensions.map((e) => path.join(base, `index${e}`))]) {
    try {
      if (statSync(candidate).isFile()) return path.relative(root, candidate).split(path.sep).join('/');
    } catch { /* next */ }
  }
  return undefined;
}
