/**
 * Messages from a host to the daemon, sent in batches: everything queued
 * during one turn of the event loop goes out as one IPC write. An execution's
 * closing event and its answer are produced in the same turn, so the daemon
 * wakes once for both; a console flood costs one write per turn, not per line.
 */
import type { HostToDaemon } from '../messages';

/** Past this many queued messages, send at once (bounds memory and the size of one write). */
const MAX_BATCH = 256;

export class Outbox {
  private queue: HostToDaemon[] = [];
  private scheduled = false;

  constructor(private readonly channel: { connected: boolean; send(batch: HostToDaemon[], callback?: () => void): void }) {}

  push(message: HostToDaemon): void {
    this.queue.push(message);
    if (this.queue.length >= MAX_BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what is queued now; `sent` runs once the channel took it (or at once when it is gone). */
  flush(sent?: () => void): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (!this.channel.connected || batch.length === 0) {
      sent?.();
      return;
    }
    this.channel.send(batch, sent);
  }
}
