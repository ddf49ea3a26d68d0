#!/usr/bin/env -S node --no-node-snapshot
// The installed command. The flag is for isolated-vm on Node 20+ (runtime
// hosts are forked with it too); the bundle is built by `npm install` (prepare).
require('../dist/cli.js');
