/**
 * Entry of dist/daemon.js: a small file that loads the daemon bundle
 * (dist/daemon-main.js, server/main.ts) through V8's code cache
 * (boot/code-cache.ts) and exports what it exports. `node dist/daemon.js serve …`
 * runs the daemon, as before.
 */
import path from 'node:path';
import v8 from 'node:v8';
import { requireCached } from '../boot/code-cache';

// Before the bundle is compiled: V8 takes a code cache only under the flags it was made with
// (server/main.ts sets this flag again, for the daemon's in-process uses without this entry).
v8.setFlagsFromString('--liftoff-only');

const daemon = requireCached(path.join(__dirname, 'daemon-main.js'), 'daemon', (why) => {
  process.stderr.write(`vm-system: no compile cache (${why}); compiling the daemon as usual\n`);
}) as typeof import('./main');

export const { main, runDaemon, optionsFromArgv } = daemon;

if (require.main === module) main(process.argv.slice(2));
