import * as z from 'zod';
import { request, NoParams } from './define';
import { Id, Retention, TemplateRetention, Time } from './entities';

export const OpsHealth = request('ops/health', NoParams.optional(),
  z.object({
    status: z.literal('ok'), version: z.string(), pid: z.number().int(), uptimeMs: z.number(), dbPath: z.string(),
    /** What runs the sessions: `process.version` of the runtime hosts, the isolated-vm release they load ("none" when no build is installed for this Node), `platform-arch`. */
    runtime: z.object({ node: z.string(), isolatedVm: z.string(), platform: z.string() }),
  }),
  'Liveness and identity of the daemon and of what runs its sessions.');

export const OpsCompact = request('ops/compact',
  z.strictObject({ olderThanDays: z.number().int().min(0).optional(), keepPerSession: z.number().int().min(0).optional() }).optional(),
  z.object({ deletedExecutions: z.number().int(), deletedEvents: z.number().int() }),
  'Deletes finished executions older than `olderThanDays` and/or beyond the newest `keepPerSession` per session, then checkpoints the store.');

export const OpsRetention = request('ops/retention', NoParams.optional(),
  z.object({
    /** The daemon's policy (its defaults, or `serve --retention`). */
    policy: Retention,
    /** Templates with rules of their own for their sessions. */
    templates: z.array(z.object({ templateId: Id, name: z.string(), retention: TemplateRetention })),
    /** Recorded history now: events in segment files plus the database image. */
    historyMb: z.number(),
    lastRun: z.object({ at: Time, deletedExecutions: z.number().int(), deletedEvents: z.number().int() }).optional(),
    nextRunAt: Time.optional(),
  }),
  'The retention policy the daemon applies in the background, and what it last did.');

export const OpsRuntimeSummary = request('ops/runtimeSummary', NoParams.optional(),
  z.object({
    activeSessions: z.number().int(),
    activeSessionIds: z.array(Id),
    runningExecutions: z.number().int(),
    /** Daemon plus all runtime-host processes. */
    rssMb: z.number(),
    hosts: z.array(z.object({ pid: z.number().int(), sessionIds: z.array(Id), rssMb: z.number() })),
    sessions: z.array(z.object({ sessionId: Id, heapUsedMb: z.number(), cpuMs: z.number() })),
  }),
  'What is alive in memory now.');
