/** Which `node` may run the daemon. No `vscode` import; unit-tested. */
import { execFile } from 'node:child_process';

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

/** Runs `candidate --version` and judges the answer. */
export function probeNode(candidate: string): Promise<NodeProbe> {
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
      else resolve({ ok: true, node: { path: candidate, version } });
    });
  });
}
