import * as z from 'zod';
import { request, notification } from './define';
import { Event, Execution, Id } from './entities';

export const WatchInfo = z.object({ watchId: Id, sessionId: Id, path: z.string() });

export const WatchStart = request('watch/start',
  z.strictObject({ sessionId: Id, path: z.string().min(1), debounceMs: z.number().int().min(0).max(60000).default(100), runOnStart: z.boolean().default(true) }),
  z.object({ watchId: Id }),
  'Re-runs a worktree file when it or a worktree file it imports changes; a change during a run queues exactly one more run.');

export const WatchStop = request('watch/stop', z.strictObject({ watchId: Id }), z.object({ stopped: z.literal(true) }), 'Ends a watch.');

export const WatchList = request('watch/list', z.strictObject({ sessionId: Id.optional() }).optional(),
  z.object({ watches: z.array(WatchInfo) }), 'Live watches.');

export const WatchDidEnd = notification('watch/didEnd',
  z.object({ watchId: Id, reason: z.string() }),
  'Addition to v1: a watch ended without watch/stop (its session closed or crashed); sent to the client that started it.', 'serverToClient');

export const WatchDidRun = notification('watch/didRun',
  z.object({ watchId: Id, execution: Execution, events: z.array(Event) }),
  'One watch run finished.', 'serverToClient');
