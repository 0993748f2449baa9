/** The one contract every audit sink implements (JSONL file, PostgreSQL, in-memory for tests). */
import type { AuditEntry, AuditEvent } from './entry';

/** Result of {@link AuditSink.append}. */
export interface AppendResult {
  /** Entries written by this call. */
  appended: number;
  /** Events skipped because an entry with the same id already exists (or the id repeats within the batch). */
  skipped: number;
}

/** Options for {@link AuditSink.read}. */
export interface ReadOptions {
  /**
   * ISO-8601 instant; only entries whose `at` is at or after it are returned (still in `seq` order). A filtered read
   * starts mid-chain, so pass it to export, not to {@link verifyChain}.
   */
  since?: string;
}

/**
 * An append-only, hash-chained audit log.
 *
 * Implementations serialise appends across processes (the chain needs one writer at a time), so any number of
 * workers may share one sink.
 */
export interface AuditSink {
  /**
   * Validates, de-duplicates and appends `events` as one durable batch.
   *
   * Idempotent per event id: an event whose id is already stored is skipped, neither duplicated nor re-hashed, so a
   * retried activity (even one whose earlier attempt partly landed) can resend the whole batch. When the promise
   * resolves, the entries are durable (fsync / commit).
   *
   * @throws {AuditValidationError} if any event is malformed or secret-looking; nothing is written.
   * @throws {AuditCorruptionError} if the stored log cannot be read, so the chain cannot be extended safely.
   */
  append(events: AuditEvent[]): Promise<AppendResult>;

  /**
   * Streams stored entries in `seq` order. Entries appended while reading may or may not be included.
   *
   * @throws {AuditCorruptionError} (from the iterator) when stored data cannot be parsed.
   */
  read(opts?: ReadOptions): AsyncIterable<AuditEntry>;

  /** Releases files, locks or connections. The sink must not be used afterwards. */
  close(): Promise<void>;
}
