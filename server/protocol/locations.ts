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
 * The socket of the daemon that owns `dbPath`: `<db>.sock` when it fits,
 * else a name in `tmpDir` derived from the database path.
 */
export function socketPathFor(dbPath: string, tmpDir: string): string {
  const beside = `${dbPath}.sock`;
  if (utf8Length(beside) <= MAX_SOCKET_PATH) return beside;
  return `${tmpDir.replace(/\/+$/, '')}/vm-system-${fnv1a(dbPath)}.sock`;
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
