import * as z from 'zod';
import { request, notification } from './define';
import { Event, Execution, ExecutionWithEvents, Id, LineCoverage } from './entities';

const Queue = z.boolean().default(false);
const FreeObject = z.record(z.string(), z.unknown());

export const ExecutionsRepl = request('executions/repl',
  z.strictObject({ sessionId: Id, input: z.string(), queue: Queue }),
  ExecutionWithEvents,
  'Evaluates REPL input (top-level await allowed) and answers the finished execution with its events.');

export const ExecutionsRunFile = request('executions/runFile',
  z.strictObject({
    sessionId: Id, path: z.string().min(1), args: FreeObject.default({}), env: FreeObject.default({}), queue: Queue,
    /** Addition to v1: the text to run as if `path` held it (unsaved editor text); the file need not exist, its folder must be inside the worktree. */
    content: z.string().optional(),
    /** Addition: answer which lines of the file ran (V8 precise coverage in the isolate); not recorded. */
    coverage: z.boolean().default(false),
  }),
  ExecutionWithEvents.extend({ coverage: LineCoverage.optional() }),
  'Runs a worktree file (`.js`, `.mjs`, `.ts`, `.mts`), or `content` as if it were that file; `args`/`env` are `__ARGS__`/`__ENV__` inside. With `coverage: true` the answer also holds `coverage`: the lines of the file that ran and that did not.');

export const ExecutionsCancel = request('executions/cancel', z.strictObject({ executionId: Id }), Execution,
  'Stops a running (or queued) execution; answers it as it ends (`cancelled`). A finished one is answered as is.');

export const ExecutionsList = request('executions/list',
  z.strictObject({ sessionId: Id, limit: z.number().int().min(1).max(1000).default(50), beforeId: Id.optional() }),
  z.object({ executions: z.array(Execution) }),
  'Executions of a session, newest first; page with `beforeId` = the last id of the previous page.');

export const ExecutionsGet = request('executions/get', z.strictObject({ executionId: Id }), Execution, 'One execution.');

export const ExecutionsEvents = request('executions/events',
  z.strictObject({ executionId: Id, afterSeq: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10000).default(1000) }),
  z.object({ events: z.array(Event) }),
  'Events with `seq > afterSeq`, ascending; page by passing the last seq seen.');

export const ExecutionEventNotification = notification('executions/event',
  z.object({ sessionId: Id, executionId: Id, event: Event }),
  'Each event as it happens, to the client that started the execution.', 'serverToClient');

/** A longer answer to `executions/prompt` counts as no answer: `prompt()` returns null (docs/security.md). */
export const MAX_PROMPT_ANSWER_CHARS = 1024 * 1024;

export const ExecutionsPrompt = request('executions/prompt',
  z.object({ executionId: Id, message: z.string() }),
  z.object({ value: z.string().max(MAX_PROMPT_ANSWER_CHARS).nullable() }),
  '`prompt(message)` in session code; sent only to clients that declared `capabilities.vmSystem.prompt`. An answer longer than 1 MiB (MAX_PROMPT_ANSWER_CHARS) counts as none: `prompt()` returns null.', 'serverToClient');
