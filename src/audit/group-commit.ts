/**
 * Group commit for audit sinks: appends that arrive while one is being made durable wait, and are then written
 * together in one locked, durable batch (one fsync or one transaction for all of them) instead of one each.
 *
 * Why: a run applies many groups at once and every applied batch of members is audited before the activity goes
 * on. Each durable append holds the chain's single-writer lock for a lock round trip, a write and an fsync, so
 * with one append per caller the concurrent apply activities queue behind each other on the audit log. Committing
 * the queue as one batch keeps every guarantee (the caller's entries are durable when its promise resolves, ids
 * are de-duplicated, the chain order is the arrival order) at a fraction of the fsyncs.
 */
import type { AuditEvent } from './entry';
import type { AppendResult } from './sink';

/** Writes one combined batch durably and returns the ids it stored (ids already stored, or repeated, are not). */
export type CommitBatch = (events: AuditEvent[]) => Promise<ReadonlySet<string>>;

interface Waiter {
  events: AuditEvent[];
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

/** Serialises commits within a process and merges the appends that queue up behind a commit in progress. */
export class GroupCommit {
  private waiting: Waiter[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly commit: CommitBatch) {}

  /**
   * Queues `events` (already validated, non-empty) and resolves once they are durable, with this call's own counts:
   * an event counts as appended when the batch stored its id and no earlier call in the same batch carried that id.
   * A failed commit rejects every call it carried; nothing of theirs is acknowledged.
   */
  submit(events: AuditEvent[]): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      // The first waiter since the last drain schedules one commit behind whatever is in progress; later ones join it.
      if (this.waiting.length === 1) this.queue = this.queue.then(() => this.commitWaiting());
    });
  }

  /** Resolves when every queued commit has settled. */
  drained(): Promise<void> {
    return this.queue;
  }

  private async commitWaiting(): Promise<void> {
    const waiters = this.waiting;
    this.waiting = [];
    try {
      const stored = new Set(await this.commit(waiters.flatMap((w) => w.events)));
      for (const w of waiters) {
        let appended = 0;
        // `delete` credits an id to the first call that carried it; a repeat counts as skipped, as in one batch.
        for (const event of w.events) if (stored.delete(event.id)) appended += 1;
        w.resolve({ appended, skipped: w.events.length - appended });
      }
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
