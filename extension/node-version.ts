/** Which `node` may run the daemon. No `vscode` import; unit-tested. */
import { execFile } from 'node:child_process';
import path from 'node:path';

/** The daemon's own floor (root package.json `engines.node`). */
export const MIN_NODE: readonly [number, number, number] = [20, 10, 0];

/** `v20.10.0\n` → [20, 10, 0]; undefined when the text is not a version. */
export function parseNodeVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function isSupportedNode(version: readonly number[], min: readonly number[] = MIN_NODE): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== min[i]) return version[i] > min[i];
  }
  return true;
}

export function versionText(v: readonly number[]): string {
  return `v${v.join('.')}`;
}

/** `~/x` → `<home>/x`; other paths unchanged; blank → undefined. */
export function expandHome(p: string | undefined, home: string): string | undefined {
  const t = p?.trim();
  if (!t) return undefined;
  return t === '~' ? home : t.startsWith('~/') ? `${home}/${t.slice(2)}` : t;
}

/**
 * Arguments of the daemon's node process: stdio for us, and the socket derived
 * from the database (bare `--socket`) so that the CLI attaches to the same daemon.
 */
export function daemonArgs(daemonPath: string, dbPath: string): string[] {
  return [daemonPath, 'serve', '--stdio', '--socket', '--db', dbPath];
}

export interface NodeRuntime {
  path: string;
  version: [number, number, number];
}

export type NodeProbe = { ok: true; node: NodeRuntime } | { ok: false; reason: string };

/**
 * Node majors this install can run sessions on: the daemon runs on the user's
 * Node and loads isolated-vm for it (server/runtime/engine.ts) — 6.x ships
 * prebuilt binaries for Node 22 and 24; 5.0.4 (alias isolated-vm-node20) runs
 * on Node 20 only where it was compiled.
 */
export function engineMajors(extensionPath: string, exists: (p: string) => boolean): number[] {
  const majors: number[] = [];
  const modules = path.join(extensionPath, 'node_modules');
  if (['out', 'build/Release'].some((d) => exists(path.join(modules, 'isolated-vm-node20', d, 'isolated_vm.node')))) majors.push(20);
  if (exists(path.join(modules, 'isolated-vm', 'package.json'))) majors.push(22, 24);
  return majors;
}

export interface ManagedNode { path: string; manager: string; version: [number, number, number] }

/**
 * Node installs of nvm, fnm, volta and asdf in their default places (or where
 * their environment variables say), newest first. Nothing is run: versions are
 * read from folder names.
 */
export function versionManagerNodes(env: Record<string, string | undefined>, home: string, platform: NodeJS.Platform, listDir: (dir: string) => string[]): ManagedNode[] {
  const win = platform === 'win32';
  const exe = win ? 'node.exe' : path.join('bin', 'node');
  const join = win ? path.win32.join : path.posix.join;
  const appData = env.APPDATA ?? join(home, 'AppData', 'Roaming');
  const localAppData = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
  const dataHome = env.XDG_DATA_HOME ?? join(home, '.local', 'share');
  const roots: Array<{ manager: string; dir: string; binary: (version: string) => string }> = [
    win
      ? { manager: 'nvm', dir: env.NVM_HOME ?? join(appData, 'nvm'), binary: (v) => join(v, 'node.exe') }
      : { manager: 'nvm', dir: join(env.NVM_DIR ?? join(home, '.nvm'), 'versions', 'node'), binary: (v) => join(v, 'bin', 'node') },
    ...[env.FNM_DIR, win ? join(appData, 'fnm') : platform === 'darwin' ? join(home, 'Library', 'Application Support', 'fnm') : join(dataHome, 'fnm'), join(home, '.fnm')]
      .filter((d): d is string => !!d)
      .map((d) => ({ manager: 'fnm', dir: join(d, 'node-versions'), binary: (v: string) => join(v, 'installation', exe) })),
    { manager: 'volta', dir: join(env.VOLTA_HOME ?? (win ? join(localAppData, 'Volta') : join(home, '.volta')), 'tools', 'image', 'node'), binary: (v) => join(v, exe) },
    { manager: 'asdf', dir: join(env.ASDF_DATA_DIR ?? join(home, '.asdf'), 'installs', 'nodejs'), binary: (v) => join(v, exe) },
  ];
  const found: ManagedNode[] = [];
  const seen = new Set<string>();
  for (const root of roots) {
    let names: string[];
    try { names = listDir(root.dir); } catch { continue; }
    for (const name of names) {
      const version = parseNodeVersion(name);
      const binary = join(root.dir, root.binary(name));
      if (!version || seen.has(binary)) continue;
      seen.add(binary);
      found.push({ path: binary, manager: root.manager, version });
    }
  }
  return found.sort((a, b) => compareVersions(b.version, a.version));
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Runs `candidate --version` and judges the answer (`majors`: the Node majors an engine exists for, when known). */
export function probeNode(candidate: string, majors?: readonly number[]): Promise<NodeProbe> {
  return new Promise((resolve) => {
    execFile(candidate, ['--version'], { timeout: 10000, windowsHide: true }, (err, stdout) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        resolve({ ok: false, reason: missing ? `\`${candidate}\` was not found` : `\`${candidate} --version\` failed: ${err.message}` });
        return;
      }
      const version = parseNodeVersion(stdout);
      if (!version) resolve({ ok: false, reason: `\`${candidate} --version\` printed "${stdout.trim()}"` });
      else if (!isSupportedNode(version)) resolve({ ok: false, reason: `\`${candidate}\` is ${versionText(version)}` });
      else if (majors && !majors.includes(version[0])) resolve({ ok: false, reason: `\`${candidate}\` is ${versionText(version)}, for which this install has no sandbox engine (it has engines for Node ${majors.join(', ') || 'none'})` });
      else resolve({ ok: true, node: { path: candidate, version } });
    });
  });
}
