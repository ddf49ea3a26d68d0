/**
 * Where a database's companions live: the daemon socket, its log, the REPL
 * history. Zod-free on purpose: the fast path (cli/fast) imports this.
 */
import os from 'node:os';
import path from 'node:path';
import { daemonSocketPath, defaultDbPath } from '../../server/protocol/locations';

/** Background daemons exit after this long with no clients and no live sessions. */
export const DEFAULT_IDLE_MS = 5 * 60 * 1000;

export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  // os.homedir() is $HOME when set: the same answer for a command the daemon runs with its launcher's environment.
  return path.resolve(cwd, flag ?? defaultDbPath(env, env.HOME || os.homedir()));
}

/** The socket a daemon serving `dbPath` listens on (the daemon derives it the same way). */
export function socketPathOf(dbPath: string): string {
  return daemonSocketPath(dbPath, process.env, os.tmpdir(), process.getuid?.() ?? 0, process.platform);
}

/** Log of the background daemon, beside the database. */
export function daemonLogPathOf(dbPath: string): string {
  return `${dbPath}.daemon.log`;
}

/** REPL history, beside the database (newest entry first, one per line). */
export function historyPathOf(dbPath: string): string {
  return `${dbPath}.repl_history`;
}

/** `VM_SYSTEM_IDLE_MS` overrides the idle period of background daemons (tests use a short one). */
export function idleTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number.parseInt(env.VM_SYSTEM_IDLE_MS ?? '', 10);
  return Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_IDLE_MS;
}

/** The daemon bundle, beside the CLI bundle this file is part of (dist/daemon.js). */
export function daemonScript(): string {
  return path.join(__dirname, 'daemon.js');
}
