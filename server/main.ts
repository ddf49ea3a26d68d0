/**
 * The daemon bundle, dist/daemon-main.js, which dist/daemon.js (server/entry.ts)
 * loads through V8's code cache: `node dist/daemon.js serve
 * [--stdio] [--socket [PATH]] [--db PATH] [--idle-timeout MS] [--retention SPEC]` — the same
 * flags as `vm-system serve`. A bundle of its own so that starting a daemon
 * loads neither the CLI's parser nor its formatting, and the CLI bundle
 * carries no store or runtime code.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';

// sql.js with V8's baseline wasm compiler only: optimising it stalled the daemon's
// start by ~100 ms (a third of a cold start) here, while store operations measured
// the same speed either way (they are small; the image export is a memory copy).
v8.setFlagsFromString('--liftoff-only');
import { defaultDbPath, parseRetentionSpec } from './protocol';
import { runDaemon, type DaemonOptions } from './daemon';

export { runDaemon };

/** `--socket` may stand alone (derived path): give it an empty value so parseArgs accepts it. */
function normalize(argv: string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '--socket' && (i + 1 >= argv.length || argv[i + 1].startsWith('-')) ? ['--socket='] : [arg]));
}

export function optionsFromArgv(argv: string[]): DaemonOptions {
  const { values, positionals } = parseArgs({
    args: normalize(argv),
    allowPositionals: true,
    options: {
      stdio: { type: 'boolean' },
      socket: { type: 'string' },
      db: { type: 'string' },
      'idle-timeout': { type: 'string' },
      retention: { type: 'string' },
    },
  });
  if (positionals.some((p) => p !== 'serve')) throw new Error(`unexpected argument: ${positionals.find((p) => p !== 'serve')}`);
  const socket = values.socket === undefined ? undefined : values.socket === '' ? true : values.socket;
  const idle = values['idle-timeout'] === undefined ? undefined : Number.parseInt(values['idle-timeout'], 10);
  if (idle !== undefined && !(idle > 0)) throw new Error('--idle-timeout must be a positive number of milliseconds');
  return {
    dbPath: values.db ?? defaultDbPath(process.env, os.homedir()),
    stdio: values.stdio ?? socket === undefined,
    socket,
    idleTimeoutMs: idle,
    ...(values.retention !== undefined && { retention: parseRetentionSpec(values.retention) }),
  };
}

/** Parses the flags and runs the daemon until it exits the process. */
export function main(argv: string[]): void {
  let options: DaemonOptions;
  try {
    options = optionsFromArgv(argv);
  } catch (error) {
    process.stderr.write(`vm-system serve: ${(error as Error).message}\n`);
    process.exit(2);
  }
  runDaemon(options).catch((error: unknown) => {
    process.stderr.write(`vm-system: daemon failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

if (require.main === module) main(process.argv.slice(2));
