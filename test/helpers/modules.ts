/**
 * Sessions with native modules for the modules-*.test.ts suites: a fresh
 * template with the given modules (and optionally a read-only fs capability
 * and short limits), a temp worktree, and small helpers to evaluate code.
 */
import assert from 'node:assert/strict';
import * as P from '../../server/protocol';
import { makeWorktree, type TestDaemon } from './daemon';
import { tempDir } from './temp';

export interface ModuleSessionOptions {
  modules: string[];
  files?: Record<string, string>;
  readOnly?: boolean;
  limits?: Partial<P.Settings['limits']>;
  /** Reuse this worktree instead of making one. */
  worktree?: string;
}

export interface ModuleSession {
  session: P.Session;
  worktree: string;
  templateId: string;
  run(input: string): Promise<P.ExecutionWithEvents>;
  /** Evaluates `input`, expects success and returns the value's JSON. */
  value(input: string): Promise<unknown>;
  /** Evaluates `input`, expects it to throw and returns `name: message` of what it threw. */
  thrown(input: string): Promise<string>;
}

export async function moduleSession(d: TestDaemon, options: ModuleSessionOptions): Promise<ModuleSession> {
  const templateId = (await d.call(P.TemplatesCreate, { name: `mod-${Math.random().toString(36).slice(2, 8)}` })).id;
  if (options.limits) await d.call(P.TemplatesUpdateSettings, { templateId, limits: options.limits });
  for (const name of options.modules) await d.call(P.TemplatesAddModule, { templateId, name });
  if (options.readOnly) await d.call(P.TemplatesAddCapability, { templateId, kind: 'fs', name: 'fs', config: { readOnly: true } });
  const worktree = options.worktree ?? makeWorktree(options.files);
  const session = await d.call(P.SessionsCreate, { templateId, worktreePath: worktree });
  const run = (input: string) => d.call(P.ExecutionsRepl, { sessionId: session.id, input });
  return {
    session, worktree, templateId, run,
    async value(input) {
      const r = await run(input);
      assert.equal(r.status, 'ok', `${input}\n→ ${r.error?.name}: ${r.error?.message}`);
      return r.result?.json;
    },
    async thrown(input) {
      // Caught inside the session: `name` as session code sees it (the execution's own error report may show the constructor's name).
      const r = await run(`try { ${input}\n; "did not throw" } catch (e) { e.name + ": " + e.message }`);
      assert.equal(r.status, 'ok', `${input}\n→ ${r.error?.name}: ${r.error?.message}`);
      assert.notEqual(r.result?.json, 'did not throw', input);
      return String(r.result?.json);
    },
  };
}

/** A directory outside every worktree, for escape attempts to aim at. */
export function outsideDir(): string {
  return tempDir('vmsys-outside-');
}

