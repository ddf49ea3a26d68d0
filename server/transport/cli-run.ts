/**
 * The `cli/run` route (server/protocol/cli-run.ts): the daemon runs a
 * `vm-system` command line for the native launcher with the CLI's own
 * program, against a connection to itself, and streams the output back as
 * `cli/output`. The program is the CLI bundle beside this one
 * (dist/cli-program.js), loaded on the first `cli/run` (or warmed by the
 * daemon once it serves its socket): a daemon's cold start does not pay for it.
 */
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { requireCached } from '../../boot/code-cache';
import { CliRun } from '../protocol/cli-run';
import type { ValidParamsOf } from '../protocol';
import type { Route } from './routes';

type Outcome = { exitCode: number } | { runLocally: string };

/** What cli/program.ts exports for the daemon (server/ does not import cli/: this is its shape). */
interface CliProgram {
  runRemoteCommand(command: ValidParamsOf<typeof CliRun>, host: {
    dbPath: string;
    connect(): Duplex;
    write(stream: 'stdout' | 'stderr', text: string): void;
    onCancel(handler: () => void): () => void;
    onGone(handler: () => void): () => void;
  }): Promise<Outcome>;
}

let program: CliProgram | undefined;

/** Loads the CLI program (once). */
export function loadCliProgram(): CliProgram {
  // Through the daemon's code cache (boot/code-cache.ts; the daemon's entry chose the folder).
  return (program ??= requireCached(path.join(__dirname, 'cli-program.js'), 'daemon') as CliProgram);
}

export function cliRunRoute(dbPath: string, connect: () => Duplex): Route {
  return {
    def: CliRun,
    handle: async (params, ctx) => {
      let attached = false;
      const outcome = await loadCliProgram().runRemoteCommand(params as ValidParamsOf<typeof CliRun>, {
        dbPath,
        connect: () => { attached = true; return connect(); },
        write: (stream, text) => ctx.cliOutput?.(stream, text),
        onCancel: (handler) => {
          const listening = ctx.cancellation?.onCancellationRequested(handler);
          return () => listening?.dispose();
        },
        onGone: (handler) => ctx.onClientGone?.(handler) ?? (() => undefined),
      });
      return 'exitCode' in outcome ? { ...outcome, attached } : outcome;
    },
  };
}
