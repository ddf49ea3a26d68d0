/**
 * `vm-system`: the entry point. It stays small on purpose: `exec repl` on a
 * running daemon (the hot path) is served by cli/fast without loading
 * commander, zod or vscode-jsonrpc; everything else loads the full program,
 * which esbuild.mjs puts in a bundle of its own.
 */
import path from 'node:path';
import { requireCached } from '../boot/code-cache';
import { parseFastExecRepl, tryFastExecRepl } from './fast/exec';

// `vm-system run x.js | head`: the reader went away. Like other Unix tools, stop quietly
// instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function main(): Promise<void> {
  const fast = parseFastExecRepl(process.argv.slice(2));
  if (fast) {
    const code = await tryFastExecRepl(fast);
    if (code !== undefined) process.exit(code);
  }
  // A bundle of its own (dist/cli-program.js, see esbuild.mjs): the fast path never compiles it,
  // and the others read it from V8's code cache when they can (no word when they cannot: output stays the command's).
  const { runProgram } = requireCached(path.join(__dirname, 'cli-program.js'), 'cli') as typeof import('./program');
  const code = await runProgram(process.argv);
  process.exitCode = code;
  // Open handles (a daemon socket being torn down) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 3000).unref();
}

void main();
