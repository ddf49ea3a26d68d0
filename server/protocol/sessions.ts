import * as z from 'zod';
import { request } from './define';
import { CompletionItem, Id, Session, SessionStatus, ValuePayload } from './entities';

const SessionRef = { sessionId: Id };

export const SessionsCreate = request('sessions/create',
  z.strictObject({
    templateId: Id,
    /** Absolute path of an existing directory. */
    worktreePath: z.string().min(1),
    workspaceId: z.string().min(1).optional(),
    baseCommitOid: z.string().optional(),
    /** Addition to v1: close the session when this client's connection ends (throw-away sessions of a CLI command). */
    closeWithConnection: z.boolean().default(false),
  }),
  Session,
  'Starts a session: fresh isolate, console shim, modules, libraries, startup files. Answers a `ready` session, or STARTUP_FAILED (the session is kept as `crashed`).');

export const SessionsList = request('sessions/list', z.strictObject({ status: SessionStatus.optional() }).optional(),
  z.object({ sessions: z.array(Session) }), 'Sessions, newest first.');

export const SessionsGet = request('sessions/get', z.strictObject(SessionRef), Session, 'One session.');

export const SessionsClose = request('sessions/close', z.strictObject(SessionRef), Session,
  'Closes a session (its runtime is disposed, its watches end); idempotent.');

export const SessionsRestart = request('sessions/restart',
  z.strictObject({ ...SessionRef, replay: z.boolean().default(false) }), Session,
  'A fresh runtime for the same id (also for closed or crashed sessions); with `replay` the successful repl and run_file executions are re-run in order.');

export const SessionsComplete = request('sessions/complete',
  z.strictObject({ ...SessionRef, code: z.string(), cursor: z.number().int().min(0) }),
  z.object({ items: z.array(CompletionItem) }),
  'Names visible at the cursor in the live runtime: globals, or properties after `.`.');

/** Longest code `sessions/preview` evaluates (a preview is for what is being typed). */
export const PREVIEW_MAX_CODE = 100_000;

export const SessionsPreview = request('sessions/preview',
  z.strictObject({ ...SessionRef, code: z.string().max(PREVIEW_MAX_CODE) }),
  z.object({ value: ValuePayload.optional() }),
  'Addition to v1: the value `code` (an expression) would have, evaluated with V8\'s side-effect checks and a 50 ms limit, never changing session state; no `value` when it would have a side effect, throws, takes too long, or the session is busy running code.');
