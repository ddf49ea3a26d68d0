/**
 * The environment a runtime host starts with: not the daemon's. A host runs
 * session code's native modules, and `exec` programs are its children, which
 * can read their parent's environment (/proc/<ppid>/environ); so nothing that
 * may be a secret (tokens, credentials, HOME, the daemon's own settings) is
 * handed down. Kept: PATH (to find programs) and what shapes dates and text
 * the same way as in the daemon (TZ, LANG, LC_ALL). See docs/security.md.
 */
export const HOST_ENV_NAMES = ['PATH', 'TZ', 'LANG', 'LC_ALL'] as const;

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function hostEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = { PATH: env.PATH || DEFAULT_PATH };
  for (const name of HOST_ENV_NAMES) {
    const value = env[name];
    if (name !== 'PATH' && value) kept[name] = value;
  }
  return kept;
}
