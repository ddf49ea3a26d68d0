/**
 * Entry of a runtime-host child process (bundled to dist/runtime-host.js).
 * The daemon forks it with `--no-node-snapshot` (isolated-vm needs it on
 * Node 20) and an IPC channel; this file only routes messages to sessions.
 *
 * The host must never outlive the daemon: when the IPC channel closes it
 * kills itself (process.exit can hang while an isolate is busy, and a dispose
 * racing with exit was seen to segfault, hence SIGKILL). A V8 catastrophic
 * error in any isolate (e.g. a heap OOM that memoryLimit did not catch) leaves
 * that isolate's thread stuck forever: the host reports it and dies, and the
 * daemon marks this host's sessions crashed.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { RuntimeStartError, type RuntimeEvent } from '../../core/ports';
import type { DaemonToHost, HostError, HostRequests, HostToDaemon } from '../messages';
import { runtimeGone } from '../runtime-gone';
import { IsolateSession, type SessionDeps } from './isolate-session';
import { Outbox } from './outbox';
import { SpareSessions } from './spare-sessions';
import { LibrarySnapshots } from './library-snapshots';

const outbox = new Outbox({
  get connected() { return process.connected; },
  send: (batch, callback) => { process.send!(batch, undefined, undefined, callback); },
});

function send(message: HostToDaemon): void {
  outbox.push(message);
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

const bootstrapSource = readFileSync(path.join(__dirname, 'isolate-bootstrap.js'), 'utf8');
const bootstrap = { code: `'use strict';\n${bootstrapSource}`, key: createHash('sha1').update(bootstrapSource).digest('hex') };

const sessions = new Map<string, IsolateSession>();
const prompts = new Map<number, (value: string | null) => void>();
let promptSeq = 0;

const snapshots = new LibrarySnapshots(bootstrap.code);

const deps: SessionDeps = {
  bootstrap,
  librarySnapshot: (libraries) => snapshots.get(libraries),
  prompt(executionId, message) {
    const promptId = ++promptSeq;
    return new Promise((resolve) => {
      prompts.set(promptId, resolve);
      send({ type: 'prompt', promptId, executionId, message });
    });
  },
  catastrophic(sessionId, message) {
    const reason = `the runtime host died: V8 lost control of session ${sessionId}'s isolate (${message})`;
    send({ type: 'fatal', reason });
    outbox.flush(() => die());
    setTimeout(die, 200).unref();
  },
  lost(sessionId, reason) {
    if (SpareSessions.isSpareId(sessionId)) return;
    sessions.delete(sessionId);
    send({ type: 'sessionLost', sessionId, reason });
  },
};

const spares = new SpareSessions((spec) => IsolateSession.create(spec, deps));

const handlers: { [K in keyof HostRequests]: (params: HostRequests[K]['params']) => Promise<HostRequests[K]['result']> } = {
  async create({ spec }) {
    if (sessions.has(spec.sessionId)) throw new RuntimeStartError(`Session ${spec.sessionId} already has a runtime`);
    const s = (await spares.take(spec)) ?? await IsolateSession.create(spec, deps);
    sessions.set(spec.sessionId, s);
    spares.replenish(spec);
    return null;
  },
  async execute({ request }) {
    const s = sessions.get(request.sessionId);
    const emit = (event: RuntimeEvent) => send({ type: 'event', executionId: request.executionId, event });
    if (!s || s.isDisposed) return runtimeGone(emit, `The session's runtime is gone`);
    const outcome = await s.execute(request, emit);
    if (outcome.sessionCrashed) sessions.delete(request.sessionId);
    return outcome;
  },
  async complete({ sessionId, code, cursor }) {
    return sessions.get(sessionId)?.complete(code, cursor) ?? [];
  },
  async preview({ sessionId, code }) {
    return (await sessions.get(sessionId)?.preview(code)) ?? null;
  },
  async close({ sessionId }) {
    const s = sessions.get(sessionId);
    sessions.delete(sessionId);
    await s?.close();
    return null;
  },
  async stats() {
    return Promise.all([...sessions.values()].map((s) => s.stats()));
  },
  async shutdown() {
    await Promise.all([...[...sessions.values()].map((s) => s.close()), spares.closeAll()]);
    sessions.clear();
    return null;
  },
};

process.on('message', (raw: DaemonToHost) => {
  switch (raw.type) {
    case 'request': {
      const handler = handlers[raw.op] as (p: unknown) => Promise<unknown>;
      handler(raw.params).then(
        (result) => {
          send({ type: 'response', id: raw.id, ok: true, result: result ?? null });
          // Every session is closed: nothing is left to wait for (the daemon watches for the exit, not the answer).
          if (raw.op === 'shutdown') die();
        },
        (err: unknown) => {
          const error: HostError = { message: err instanceof Error ? err.message : String(err) };
          if (err instanceof RuntimeStartError) error.startFailure = err.code;
          send({ type: 'response', id: raw.id, ok: false, error });
        },
      );
      if (raw.op === 'shutdown') {
        // A session whose close hangs (a busy isolate) must not keep the host: die anyway after a moment.
        setTimeout(die, 300).unref();
      }
      break;
    }
    case 'cancel':
      sessions.get(raw.sessionId)?.cancel(raw.executionId);
      break;
    case 'promptReply': {
      const resolve = prompts.get(raw.promptId);
      prompts.delete(raw.promptId);
      resolve?.(raw.value);
      break;
    }
  }
});

process.on('disconnect', () => die());
// A bug in this file must cost this host, never hang it.
process.on('uncaughtException', (err) => {
  process.stderr.write(`runtime-host ${process.pid}: ${err.stack ?? err}\n`);
  send({ type: 'fatal', reason: `the runtime host failed: ${err.message}` });
  outbox.flush();
  setTimeout(die, 100);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`runtime-host ${process.pid}: unhandled rejection ${(err as Error)?.stack ?? err}\n`);
});

send({ type: 'ready', pid: process.pid });
