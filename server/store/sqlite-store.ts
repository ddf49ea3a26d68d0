/**
 * The StorePort over sql.js: reads and writes are synchronous against the
 * in-memory database; every write is also appended, as a logical operation,
 * to the journal; flush() makes the journal durable (see journal.ts) and
 * checkpoints fold it into the image in the background (see checkpoint.ts).
 */
import * as fs from 'node:fs';
import type { CompactOptions, EventPage, ExecutionPage, InstalledLibrary, RetentionPlan, RetentionResult, StorePort } from '../core/ports';
import type { Capability, Event, Execution, Session, SessionStatus, Settings, StartupFile, Template, TemplateDetail } from '../protocol';
import { Checkpointer, type Capture, type CheckpointStats } from './checkpoint';
import type { Connection } from './connection';
import { StoreError } from './errors';
import type { Journal, JournalStats } from './journal';
import * as reads from './reads';
import { writeMeta } from './schema';
import type { Segments } from './segments';
import { applyOp, type CompactResult, type Op, type OpResult, type RecoverResult } from './writes';

/** Unflushed writes become durable on their own after this long (callers that need a guarantee call flush()). */
const WRITE_BEHIND_MS = 200;

/**
 * The writes every execution makes. They answer nothing and fail only on a
 * bug, so they are journaled at once and applied to sql.js later, many
 * together: back to back, the B-tree pages and sql.js's code are still in the
 * CPU caches (a lone insert in a busy daemon costs about twice as much). Any
 * read, any other write and every checkpoint apply them first, so nobody
 * sees the difference.
 */
const DEFERRED = new Set<Op[0]>(['execution.start', 'events.append', 'execution.finish']);
/** How long deferred writes may wait for company. */
const DEFERRED_APPLY_MS = 10;

export interface StoreStats {
  /** LSN of the last operation applied in memory, and of the last one in the image on disk. */
  lsn: number;
  imageLsn: number;
  /** Current journal length (written + buffered). */
  journalBytes: number;
  journal: JournalStats;
  checkpoint: CheckpointStats;
}

export interface StoreState {
  path: string;
  conn: Connection;
  journal: Journal;
  segments: Segments;
  lsn: number;
  imageLsn: number;
  /** The image on disk lacks something memory has besides journaled operations (a migration ran). */
  schemaDirty: boolean;
  checkpointBytes: number;
  log: (line: string) => void;
}

export class SqliteStore implements StorePort {
  readonly path: string;
  private readonly conn: Connection;
  private readonly journal: Journal;
  private readonly segments: Segments;
  private readonly checkpointer: Checkpointer;
  private readonly log: (line: string) => void;
  private readonly checkpointBytes: number;
  private lsn: number;
  private imageLsn: number;
  private schemaDirty: boolean;
  private nextCheckpointAt: number;
  private checkpointScheduled = false;
  private commitScheduled = false;
  /** Per-execution writes, journaled but not yet applied to sql.js (see DEFERRED). */
  private deferred: Op[] = [];
  private deferredTimer: NodeJS.Timeout | undefined;
  private writeBehind: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(s: StoreState) {
    this.path = s.path;
    this.conn = s.conn;
    this.journal = s.journal;
    this.segments = s.segments;
    this.lsn = s.lsn;
    this.imageLsn = s.imageLsn;
    this.schemaDirty = s.schemaDirty;
    this.checkpointBytes = s.checkpointBytes;
    this.nextCheckpointAt = s.checkpointBytes;
    this.journal.preallocate(preallocationFor(s.checkpointBytes));
    this.log = s.log;
    this.checkpointer = new Checkpointer(s.path, s.journal, () => this.capture(), (lsn) => {
      this.imageLsn = lsn;
      this.schemaDirty = false;
    });
    // A long journal replayed at open is folded into the image soon, so the next open is fast.
    this.maybeCheckpoint();
  }

  // ------------------------------------------------------------ templates

  insertTemplate(detail: TemplateDetail): void { this.write(['template.insert', detail]); }
  listTemplates(name?: string): Template[] { return reads.listTemplates(this.open(), name); }
  getTemplate(id: string): TemplateDetail | undefined { return reads.getTemplate(this.open(), id); }
  deleteTemplate(id: string): boolean { return this.write(['template.delete', id]).changed; }
  updateTemplate(id: string, patch: { settings?: Settings; modules?: string[]; libraries?: string[]; updatedAt: string }): void {
    this.write(['template.update', id, patch]);
  }
  insertCapability(capability: Capability): void { this.write(['capability.insert', capability]); }
  insertStartupFile(file: StartupFile): void { this.write(['startupFile.insert', file]); }
  deleteStartupFile(templateId: string, startupFileId: string): boolean {
    return this.write(['startupFile.delete', templateId, startupFileId]).changed;
  }

  // ------------------------------------------------------------ libraries

  putLibrary(library: InstalledLibrary): void { this.write(['library.put', library]); }
  getLibrary(spec: string): InstalledLibrary | undefined { return reads.getLibrary(this.open(), spec); }
  listLibraries(): InstalledLibrary[] { return reads.listLibraries(this.open()); }

  // ------------------------------------------------------------ sessions

  putSession(session: Session): void { this.write(['session.put', session]); }
  getSession(id: string): Session | undefined { return reads.getSession(this.open(), id); }
  listSessions(status?: SessionStatus): Session[] { return reads.listSessions(this.open(), status); }

  // ------------------------------------------------------------ executions and events

  /** Insert or replace, without events (not part of StorePort: the core starts and finishes executions; for tests and seeding). */
  putExecution(execution: Execution): void { this.write(['execution.put', execution]); }
  startExecution(execution: Execution, events: Event[]): void { this.write(['execution.start', execution, events]); }
  finishExecution(execution: Execution): void {
    const { status, endedAt, result, error, metrics } = execution;
    this.write(['execution.finish', execution.id, { status, endedAt, result, error, metrics }]);
  }
  getExecution(id: string): Execution | undefined { return reads.getExecution(this.open(), id); }
  listExecutions(page: ExecutionPage): Execution[] { return reads.listExecutions(this.open(), page); }
  listSessionHistory(sessionId: string): Execution[] { return reads.listSessionHistory(this.open(), sessionId); }
  appendEvents(events: Event[]): void { if (events.length > 0) this.write(['events.append', events]); }
  listEvents(page: EventPage): Event[] { return reads.listEvents(this.open(), this.segments, page); }

  // ------------------------------------------------------------ maintenance

  recoverAfterRestart(now: string, reason: string): { sessions: number; executions: number } {
    const result = this.write(['recover', now, reason]).value as RecoverResult;
    return { sessions: result.sessions, executions: result.executions };
  }

  /** Deletes old history, then checkpoints in the background (await `checkpoint()` to wait for the smaller image). */
  compact(options: CompactOptions): { deletedExecutions: number; deletedEvents: number } {
    const result = this.write(['compact', options]).value as CompactResult;
    if (result.deletedExecutions > 0) this.checkpoint().catch((err) => this.log(`store: checkpoint after compact failed: ${message(err)}`));
    return { deletedExecutions: result.deletedExecutions, deletedEvents: result.deletedEvents };
  }

  /** One pass of the retention policy; a checkpoint follows in the background when it deleted anything (segments go then). */
  applyRetention(plan: RetentionPlan): RetentionResult {
    const result = this.write(['retention', plan, this.imageBytes()]).value as RetentionResult;
    if (result.deletedExecutions > 0) this.checkpoint().catch((err) => this.log(`store: checkpoint after retention failed: ${message(err)}`));
    return result;
  }

  historyBytes(): number {
    const segments = Number(this.open().get('SELECT coalesce(sum(bytes), 0) FROM segments')?.[0] ?? 0);
    return segments + this.imageBytes();
  }

  flush(): Promise<void> {
    return this.journal.flush();
  }

  /** Writes the image now (not part of StorePort: for ops/compact, tests and benches). */
  checkpoint(): Promise<void> {
    if (this.closing) return Promise.reject(closedError(this.path));
    return this.checkpointer.request();
  }

  stats(): StoreStats {
    return {
      lsn: this.lsn, imageLsn: this.imageLsn, journalBytes: this.journal.endOffset,
      journal: { ...this.journal.stats }, checkpoint: { ...this.checkpointer.stats },
    };
  }

  /** Flushes, checkpoints (so the next open replays nothing) and releases the database. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.writeBehind);
    this.applyDeferred();
    await this.checkpointer.settle();
    let failure: unknown;
    try {
      await this.journal.flush();
      await this.checkpointer.request();
    } catch (err) {
      failure = err;
    }
    await this.journal.close().catch((err) => { failure ??= err; });
    this.conn.close();
    this.segments.close();
    if (failure) throw failure;
  }

  // ------------------------------------------------------------ internals

  private imageBytes(): number {
    try {
      return fs.statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  /** The connection, with every operation written so far applied. */
  private open(): Connection {
    if (this.closing) throw closedError(this.path);
    this.applyDeferred();
    return this.conn;
  }

  private write(op: Op): OpResult {
    if (this.closing) throw closedError(this.path);
    // Serialise before applying: what cannot be journaled must not change the database either.
    const payload = JSON.stringify(op);
    if (DEFERRED.has(op[0])) {
      this.deferred.push(op);
      this.journaled(payload);
      this.applyDeferredSoon();
      return { changed: true };
    }
    const conn = this.open();
    this.joinBatch();
    const result = applyOp(conn, op, this.segments);
    this.segments.writePending();
    if (result.changed) this.journaled(payload);
    return result;
  }

  private journaled(payload: string): void {
    this.lsn++;
    this.journal.append(this.lsn, payload);
    this.writeBehind ??= setTimeout(() => {
      this.writeBehind = undefined;
      this.journal.flush().catch(() => undefined); // flush() callers see the failure
    }, WRITE_BEHIND_MS).unref();
    this.maybeCheckpoint();
  }

  /** Writes of one event-loop turn share one sql.js commit (durability is the journal's job). */
  private joinBatch(): void {
    if (this.commitScheduled) return;
    this.conn.beginBatch();
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      if (!this.closing) this.conn.commitBatch();
    });
  }

  private applyDeferredSoon(): void {
    this.deferredTimer ??= setTimeout(() => {
      this.deferredTimer = undefined;
      if (!this.closing) this.applyDeferred();
    }, DEFERRED_APPLY_MS);
  }

  /**
   * Applies the deferred operations in journal order. They are on their way to
   * disk already, so one that fails is skipped with a warning, exactly as
   * replaying the journal would skip it: memory and disk stay the same.
   */
  private applyDeferred(): void {
    if (this.deferred.length === 0) return;
    const ops = this.deferred;
    this.deferred = [];
    clearTimeout(this.deferredTimer);
    this.deferredTimer = undefined;
    this.joinBatch();
    for (const op of ops) {
      try {
        applyOp(this.conn, op, this.segments);
      } catch (err) {
        this.log(`store: warning: ${op[0]} failed and was skipped (the journal replay skips it too): ${message(err)}`);
      }
    }
    this.segments.writePending();
  }

  private maybeCheckpoint(): void {
    if (this.checkpointScheduled || this.journal.endOffset < this.nextCheckpointAt) return;
    this.checkpointScheduled = true;
    // Not inside the write that crossed the threshold: let the current request finish first.
    setImmediate(() => {
      if (this.closing) { this.checkpointScheduled = false; return; }
      this.checkpointer.request().then(
        () => { this.nextCheckpointAt = this.checkpointBytes; },
        (err) => {
          this.log(`store: checkpoint failed (${message(err)}); the journal keeps every write and grows until a checkpoint succeeds`);
          this.nextCheckpointAt = this.journal.endOffset + this.checkpointBytes;
        },
      ).finally(() => { this.checkpointScheduled = false; });
    });
  }

  /**
   * Step 1 of a checkpoint (synchronous): stamp the LSN the image will hold
   * and where the active segment ends, note where in the journal that is,
   * forget the segments nothing references any more, export. The segments
   * written since the last capture are synced before the image is written,
   * and the forgotten ones deleted once it is on disk.
   */
  private capture(): Capture | undefined {
    this.applyDeferred();
    if (this.lsn === this.imageLsn && !this.schemaDirty) return undefined;
    const { id, end } = this.segments.position;
    this.joinBatch();
    writeMeta(this.conn, 'checkpoint_lsn', String(this.lsn));
    writeMeta(this.conn, 'segment_id', String(id));
    writeMeta(this.conn, 'segment_end', String(end));
    const unreferenced = this.conn.all('SELECT id FROM segments WHERE chunks <= 0 AND id < ?', [id]).map((r) => r[0] as number);
    for (const segment of unreferenced) this.conn.run('DELETE FROM segments WHERE id = ?', [segment]);
    const cutOffset = this.journal.endOffset;
    return {
      image: this.conn.exportImage(), lsn: this.lsn, cutOffset,
      beforeImage: this.segments.takeDirty(),
      afterImage: () => this.segments.remove(unreferenced),
    };
  }
}

/** A chunk of preallocated space every few hundred acknowledgements; small journals (tests) keep small files. */
function preallocationFor(checkpointBytes: number): number {
  return Math.min(512 * 1024, Math.max(4096, Math.floor(checkpointBytes / 8)));
}

function closedError(path: string): StoreError {
  return new StoreError('CLOSED', `the store for ${path} is closed`, path);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
