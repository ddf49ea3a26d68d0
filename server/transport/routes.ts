import type { ProgressToken } from 'vscode-jsonrpc';
import type * as z from 'zod';
import * as P from '../protocol';
import type { Core } from '../core/create-core';
import type { CallContext } from '../core/context';

/** What a handler gets besides its params. */
export interface RequestContext extends CallContext {
  /** Sends watch/didRun to the client that started the watch. */
  didRun?(watchId: string, execution: P.Execution, events: P.Event[]): void;
  /** Closes the session when this client's connection ends. */
  ownSession?(sessionId: string): void;
  /** Sends watch/didEnd to the client that started the watch. */
  didEnd?(watchId: string, reason: string): void;
  /** Reports work-done `$/progress` for a client-supplied workDoneToken. */
  progress?(token: ProgressToken, value: P.WorkDoneProgressValue): void;
  /** Sends cli/output (a command `cli/run` runs for this client). */
  cliOutput?(stream: 'stdout' | 'stderr', text: string): void;
  /** Calls `listener` when this client's connection ends; answers the unsubscribe. */
  onClientGone?(listener: () => void): () => void;
}

export interface Route {
  def: P.RequestDef<z.ZodType, z.ZodType>;
  handle(params: unknown, ctx: RequestContext): unknown;
}

type Handler<D extends P.RoutedRequestDef> = (params: P.ValidParamsOf<D>, ctx: RequestContext) => P.ResultOf<D> | Promise<P.ResultOf<D>>;
/** One handler per routed method: a method of the contract without a row is a type error. */
type RouteTable = { [D in P.RoutedRequestDef as D['method']]: Handler<D> };

/**
 * The routing table: one line per client→server method of the contract
 * (lifecycle requests are handled by the connection). Keyed by the method's
 * literal name, so the compiler checks it is complete and that each handler
 * takes that method's params and answers its result.
 */
export function createRoutes(core: Core): Map<string, Route> {
  const { templates, sessions, executions, ops, catalog, watch } = core;
  const table: RouteTable = {
    'templates/create': (p) => templates.create(p.name),
    'templates/list': (p) => ({ templates: templates.list(p?.name) }),
    'templates/get': (p) => templates.get(p.templateId),
    'templates/delete': (p) => templates.delete(p.templateId),
    'templates/updateSettings': (p) => templates.updateSettings(p),
    'templates/addCapability': (p) => templates.addCapability(p),
    'templates/listCapabilities': (p) => templates.listCapabilities(p.templateId),
    'templates/addStartupFile': (p) => templates.addStartupFile(p),
    'templates/listStartupFiles': (p) => templates.listStartupFiles(p.templateId),
    'templates/removeStartupFile': (p) => templates.removeStartupFile(p.templateId, p.startupFileId),
    'templates/addModule': (p) => templates.setModule(p.templateId, p.name, true),
    'templates/removeModule': (p) => templates.setModule(p.templateId, p.name, false),
    'templates/listModules': (p) => templates.listModules(p.templateId),
    'templates/addLibrary': (p) => templates.setLibrary(p.templateId, p.name, true),
    'templates/removeLibrary': (p) => templates.setLibrary(p.templateId, p.name, false),
    'templates/listLibraries': (p) => templates.listLibraries(p.templateId),

    'modules/listAvailable': () => catalog.modules(),
    'libraries/listAvailable': () => catalog.libraries(),
    'libraries/list': () => catalog.installed(),
    'libraries/install': (p, ctx) => {
      const token = p?.workDoneToken;
      if (token === undefined || !ctx.progress) return catalog.install(p?.names);
      ctx.progress(token, { kind: 'begin', title: 'Installing libraries', percentage: 0 });
      return catalog.install(p?.names, (message, percentage) => ctx.progress!(token, { kind: 'report', message, percentage }))
        .finally(() => ctx.progress!(token, { kind: 'end' }));
    },

    'sessions/create': async ({ closeWithConnection, ...p }, ctx) => {
      const session = await sessions.create(p, ctx);
      if (closeWithConnection) ctx.ownSession?.(session.id);
      return session;
    },
    'sessions/list': (p) => sessions.list(p?.status),
    'sessions/get': (p) => sessions.get(p.sessionId),
    'sessions/close': (p) => sessions.close(p.sessionId),
    'sessions/restart': (p, ctx) => sessions.restart(p.sessionId, p.replay, ctx),
    'sessions/complete': (p) => sessions.complete(p.sessionId, p.code, p.cursor),
    'sessions/preview': (p) => sessions.preview(p.sessionId, p.code),

    'executions/repl': (p, ctx) => executions.run({ sessionId: p.sessionId, kind: 'repl', input: p.input, queue: p.queue }, ctx),
    'executions/runFile': (p, ctx) => executions.run({ sessionId: p.sessionId, kind: 'run_file', path: p.path, content: p.content, coverage: p.coverage, args: p.args, env: p.env, queue: p.queue }, ctx),
    'executions/cancel': (p) => executions.cancel(p.executionId),
    'executions/list': (p) => executions.list(p.sessionId, p.limit, p.beforeId),
    'executions/get': (p) => executions.get(p.executionId),
    'executions/events': (p) => executions.events(p.executionId, p.afterSeq, p.limit),

    'watch/start': (p, ctx) => watch.start(p, { ...ctx, didRun: ctx.didRun ?? (() => undefined), didEnd: ctx.didEnd }),
    'watch/stop': (p) => watch.stop(p.watchId),
    'watch/list': (p) => watch.list(p?.sessionId),

    'ops/health': () => ops.health(),
    'ops/compact': (p) => ops.compact(p?.olderThanDays, p?.keepPerSession),
    'ops/runtimeSummary': () => ops.runtimeSummary(),
    'ops/retention': () => ops.retentionStatus(),
  };
  const defs = new Map(P.ALL_METHODS.map((def) => [def.method, def]));
  return new Map(Object.entries(table).map(([method, handle]) => [method, { def: defs.get(method) as Route['def'], handle: handle as Route['handle'] }]));
}
