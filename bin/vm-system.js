#!/usr/bin/env node
// The installed command; the bundles are built by `npm install` (prepare).
// No --no-node-snapshot here on purpose: neither the CLI nor the daemon loads
// isolated-vm. Isolates live only in runtime-host processes, which the daemon
// forks with --no-node-snapshot (server/runtime/pool); starting every command
// without the snapshot would cost ~20 ms for nothing.
// `serve` goes straight to the daemon bundle: no CLI parser on the daemon's cold start
// (`serve --help` stays with the CLI, which documents every command).
const first = process.argv.slice(2).find((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--db');
const help = process.argv.includes('--help') || process.argv.includes('-h');
if (first === 'serve' && !help) require('../dist/daemon.js').main(process.argv.slice(2).filter((a) => a !== 'serve'));
else require('../dist/cli.js');
