/** In-memory audit sink for unit tests of code that records audit events. */
import { sealBatch } from './chain';
import { EMPTY_HEAD, type AuditEntry, type AuditEvent, type ChainHead } from './entry';
import { validateAuditEvents } from './event-schema';
import { isAtOrAfter, parseSince } from './since';
import type { AppendResult, AuditSink, ReadOptions } from './sink';

/**
 * Same validation, de-duplication and hash chain as the durable sinks, held in an array. Serialised only within one
 * process (appends are synchronous after validation); not for production.
 */
export class MemoryAuditSink implements AuditSink {
  /** Stored entries, in `seq` order. Exposed for assertions; do not mutate. */
  readonly entries: AuditEntry[] = [];
  private readonly ids = new Set<string>();
  private head: ChainHead = EMPTY_HEAD;

  /** See {@link AuditSink.append}. */
  async append(events: AuditEvent[]): Promise<AppendResult> {
    const batch = sealBatch(validateAuditEvents(events), this.head, (id) => this.ids.has(id));
    for (const entry of batch.entries) {
      this.entries.push(entry);
      this.ids.add(entry.id);
    }
    this.head = batch.head;
    return { appended: batch.entries.length, skipped: batch.skipped };
  }

  /** See {@link AuditSink.read}. */
  async *read(opts: ReadOptions = {}): AsyncGenerator<AuditEntry> {
    const since = parseSince(opts.since);
    for (const entry of [...this.entries]) if (isAtOrAfter(entry.at, since)) yield structuredClone(entry);
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
