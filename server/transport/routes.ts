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
  /** Reports `$/progress` for a client-supplied workDoneToken. */
  progress?(token: string | number, value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number }): void;
  /** Sends cli/output (a command `cli/run` runs for this client). */
  cliOutput?(stream: 'stdout' | 'stderr', text: string): void;
  /** Calls `listener` when this client's connection ends; answers the unsubscribe. */
  onClientGone?(listener: () => void): () => void;
}

export interface Route {
  def: P.RequestDef<z.ZodType, z.ZodType>;
  handle(params: unknown, ctx: RequestContext): unknown;
}

function route<D extends P.RequestDef<z.ZodType, z.ZodType>>(
  def: D, handle: (params: P.ValidParamsOf<D>, ctx: RequestContext) => P.ResultOf<D> | Promise<P.ResultOf<D>>,
): Route {
  return { def, handle: handle as Route['handle'] };
}

/**
 * The routing table: one line per client→server method of the contract
 * (lifecycle requests are handled by the connection). A test checks that
 * every method of server/protocol has a row.
 */
export function createRoutes(core: Core): Map<string, Route> {
  const { templates, sessions, executions, ops, catalog, watch } = core;
  const routes: Route[] = [
    route(P.TemplatesCreate, (p) => templates.create(p.name)),
    route(P.TemplatesList, (p) => ({ templates: templates.list(p?.name) })),
    route(P.TemplatesGet, (p) => templates.get(p.templateId)),
    route(P.TemplatesDelete, (p) => templates.delete(p.templateId)),
    route(P.TemplatesUpdateSettings, (p) => templates.updateSettings(p)),
    route(P.TemplatesAddCapability, (p) => templates.addCapability(p)),
    route(P.TemplatesListCapabilities, (p) => templates.listCapabilities(p.templateId)),
    route(P.TemplatesAddStartupFile, (p) => templates.addStartupFile(p)),
    route(P.TemplatesListStartupFiles, (p) => templates.listStartupFiles(p.templateId)),
    route(P.TemplatesRemoveStartupFile, (p) => templates.removeStartupFile(p.templateId, p.startupFileId)),
    route(P.TemplatesAddModule, (p) => templates.setModule(p.templateId, p.name, true)),
    route(P.TemplatesRemoveModule, (p) => templates.setModule(p.templateId, p.name, false)),
    route(P.TemplatesListModules, (p) => templates.listModules(p.templateId)),
    route(P.TemplatesAddLibrary, (p) => templates.setLibrary(p.templateId, p.name, true)),
    route(P.TemplatesRemoveLibrary, (p) => templates.setLibrary(p.templateId, p.name, false)),
    route(P.TemplatesListLibraries, (p) => templates.listLibraries(p.templateId)),

    route(P.ModulesListAvailable, () => catalog.modules()),
    route(P.LibrariesListAvailable, () => catalog.libraries()),
    route(P.LibrariesList, () => catalog.installed()),
    route(P.LibrariesInstall, (p, ctx) => {
      const token = p?.workDoneToken;
      if (token === undefined || !ctx.progress) return catalog.install(p?.names);
      ctx.progress(token, { kind: 'begin', title: 'Installing libraries', percentage: 0 });
      return catalog.install(p?.names, (message, percentage) => ctx.progress!(token, { kind: 'report', message, percentage }))
        .finally(() => ctx.progress!(token, { kind: 'end' }));
    }),

    route(P.SessionsCreate, async ({ closeWithConnection, ...p }, ctx) => {
      const session = await sessions.create(p, ctx);
      if (closeWithConnection) ctx.ownSession?.(session.id);
      return session;
    }),
    route(P.SessionsList, (p) => sessions.list(p?.status)),
    route(P.SessionsGet, (p) => sessions.get(p.sessionId)),
    route(P.SessionsClose, (p) => sessions.close(p.sessionId)),
    route(P.SessionsRestart, (p, ctx) => sessions.restart(p.sessionId, p.replay, ctx)),
    route(P.SessionsComplete, (p) => sessions.complete(p.sessionId, p.code, p.cursor)),
    route(P.SessionsPreview, (p) => sessions.preview(p.sessionId, p.code)),

    route(P.ExecutionsRepl, (p, ctx) => executions.run({ sessionId: p.sessionId, kind: 'repl', input: p.input, queue: p.queue }, ctx)),
    route(P.ExecutionsRunFile, (p, ctx) => executions.run({ sessionId: p.sessionId, kind: 'run_file', path: p.path, content: p.content, coverage: p.coverage, args: p.args, env: p.env, queue: p.queue }, ctx)),
    route(P.ExecutionsCancel, (p) => executions.cancel(p.executionId)),
    route(P.ExecutionsList, (p) => executions.list(p.sessionId, p.limit, p.beforeId)),
    route(P.ExecutionsGet, (p) => executions.get(p.executionId)),
    route(P.ExecutionsEvents, (p) => executions.events(p.executionId, p.afterSeq, p.limit)),

    route(P.WatchStart, (p, ctx) => watch.start(p, { ...ctx, didRun: ctx.didRun ?? (() => undefined), didEnd: ctx.didEnd })),
    route(P.WatchStop, (p) => watch.stop(p.watchId)),
    route(P.WatchList, (p) => watch.list(p?.sessionId)),

    route(P.OpsHealth, () => ops.health()),
    route(P.OpsCompact, (p) => ops.compact(p?.olderThanDays, p?.keepPerSession)),
    route(P.OpsRuntimeSummary, () => ops.runtimeSummary()),
    route(P.OpsRetention, () => ops.retentionStatus()),
  ];
  return new Map(routes.map((r) => [r.def.method, r]));
}
