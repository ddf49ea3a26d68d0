/**
 * Checkpoints: write the whole in-memory image over `<db>` atomically, then
 * drop the journal records the image now holds.
 *
 * Order matters, and is the whole argument:
 *   1. synchronously stamp meta.checkpoint_lsn = L and export the image (it
 *      holds exactly operations 1..L; they all lie before byte C of the journal);
 *   2. sync the event segments written since the last checkpoint (the image
 *      references them), then `<db>.tmp`, fsync, rename over `<db>`, fsync
 *      the directory, then delete the segments the image no longer references;
 *   3. only then rotate the journal to keep bytes after C (its new header
 *      names the image: CRC and length).
 * Writes and flushes continue during 2 (they append after C). A crash before 3
 * finishes leaves the old journal, whose records up to L are skipped by LSN.
 * The image write costs O(database), but it runs once per `checkpointBytes` of
 * journal, off the acknowledgement path.
 */
import { writeFileDurably } from './durable-files';
import type { Journal } from './journal';
import { imageIdentity } from './journal-format';

export interface Capture {
  image: Uint8Array;
  lsn: number;
  cutOffset: number;
  /** Makes durable what the image references outside itself (event segments); runs before the image is written. */
  beforeImage?: () => Promise<void>;
  /** Runs once the image is durable (deletes segments it no longer references). */
  afterImage?: () => void;
}

export interface CheckpointStats { checkpoints: number; lastMs: number; lastImageBytes: number; failures: number }

export class Checkpointer {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  readonly stats: CheckpointStats = { checkpoints: 0, lastMs: 0, lastImageBytes: 0, failures: 0 };

  constructor(
    private readonly dbPath: string,
    private readonly journal: Journal,
    /** Answers undefined when the image on disk is already current. */
    private readonly capture: () => Capture | undefined,
    private readonly imageDurable: (lsn: number) => void,
  ) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Runs a checkpoint. One runs at a time; a request during one queues a
   * single follow-up (which also covers writes made since the first began).
   */
  request(): Promise<void> {
    if (!this.running) {
      this.running = this.once().finally(() => { this.running = undefined; });
      return this.running;
    }
    this.queued ??= this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.request();
    });
    return this.queued;
  }

  /** Waits for a running (and queued) checkpoint; never rejects. */
  async settle(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running)!.catch(() => undefined);
  }

  private async once(): Promise<void> {
    const started = performance.now();
    const captured = this.capture();
    if (!captured) return;
    try {
      await captured.beforeImage?.();
      await writeFileDurably(this.dbPath, [captured.image]);
      this.imageDurable(captured.lsn);
      captured.afterImage?.();
      await this.journal.rotate(captured.cutOffset, imageIdentity(captured.image));
    } catch (err) {
      this.stats.failures++;
      throw err;
    }
    this.stats.checkpoints++;
    this.stats.lastMs = performance.now() - started;
    this.stats.lastImageBytes = captured.image.length;
  }
}
