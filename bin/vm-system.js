#!/usr/bin/env -S node --no-node-snapshot
// The installed command. The flag is for isolated-vm on Node 20+ (runtime
// hosts are forked with it too); the bundle is built by `npm install` (prepare).
// `serve` goes straight to the daemon bundle: no CLI parser on the daemon's cold start
// (`serve --help` stays with the CLI, which documents every command).
const first = process.argv.slice(2).find((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--db');
const help = process.argv.includes('--help') || process.argv.includes('-h');
if (first === 'serve' && !help) require('../dist/daemon.js').main(process.argv.slice(2).filter((a) => a !== 'serve'));
else require('../dist/cli.js');
