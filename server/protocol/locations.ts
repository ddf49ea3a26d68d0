/**
 * Where things live by default, shared by the daemon, the CLI and the
 * extension so they meet at the same database and socket. Pure functions:
 * callers pass the environment in.
 */

/** `$VM_SYSTEM_DB`, else `$XDG_DATA_HOME/vm-system/vm-system.db`, else `~/.local/share/vm-system/vm-system.db`. */
export function defaultDbPath(env: Record<string, string | undefined>, home: string): string {
  if (env.VM_SYSTEM_DB) return env.VM_SYSTEM_DB;
  const data = env.XDG_DATA_HOME || `${home.replace(/\/+$/, '')}/.local/share`;
  return `${data}/vm-system/vm-system.db`;
}

/** Unix socket paths must fit in sun_path (108 bytes with the NUL on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 103;

/**
 * The user's private folder for sockets that do not fit beside their
 * database: `$XDG_RUNTIME_DIR/vm-system`, else `<tmp>/vm-system-<uid>`. The
 * daemon creates it 0700 and refuses it unless it is a folder of its own user
 * that no one else may enter; clients check the socket's owner before use
 * (see docs/security.md).
 */
export function privateRunDir(env: Record<string, string | undefined>, tmpDir: string, uid: number): string {
  if (env.XDG_RUNTIME_DIR) return `${env.XDG_RUNTIME_DIR.replace(/\/+$/, '')}/vm-system`;
  return `${tmpDir.replace(/\/+$/, '')}/vm-system-${uid}`;
}

/**
 * The socket of the daemon that owns `dbPath`: `<db>.sock` when it fits,
 * else a name in `runDir` (privateRunDir()) derived from the database path.
 */
export function socketPathFor(dbPath: string, runDir: string): string {
  const beside = `${dbPath}.sock`;
  if (utf8Length(beside) <= MAX_SOCKET_PATH) return beside;
  return `${runDir.replace(/\/+$/, '')}/${fnv1a(dbPath)}.sock`;
}

/**
 * The socket of the daemon that owns `dbPath` on this machine, as the daemon,
 * the CLI and the client derive it: a named pipe on Windows (which has no
 * socket files), else socketPathFor() with the private run folder.
 */
export function daemonSocketPath(dbPath: string, env: Record<string, string | undefined>, tmpDir: string, uid: number, platform: string): string {
  if (platform === 'win32') return `\\\\.\\pipe\\vm-system-${fnv1a(dbPath.toLowerCase())}`;
  return socketPathFor(dbPath, privateRunDir(env, tmpDir, uid));
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** 64-bit FNV-1a as 16 hex digits: stable, no crypto needed. */
function fnv1a(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
