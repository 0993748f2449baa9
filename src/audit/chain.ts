/** The part of an append that is the same for every sink: de-duplicate by id, then extend the chain. */
import { sealEvent, type AuditEntry, type AuditEvent, type ChainHead } from './entry';

/** What to write for a batch, given the current head. */
export interface SealedBatch {
  /** New entries, in order, continuing from the head. */
  entries: AuditEntry[];
  /** Events not written because their id is already stored (or repeats earlier in the same batch). */
  skipped: number;
  /** The head after writing `entries`. */
  head: ChainHead;
}

/**
 * Seals the events whose id is not already stored. Skipped events are neither re-hashed nor compared: the first
 * entry recorded under an id is authoritative, which is what makes a retried activity harmless.
 */
export function sealBatch(
  events: readonly AuditEvent[],
  head: ChainHead,
  isStored: (id: string) => boolean,
): SealedBatch {
  const entries: AuditEntry[] = [];
  const inBatch = new Set<string>();
  let current = head;
  for (const event of events) {
    if (inBatch.has(event.id) || isStored(event.id)) continue;
    inBatch.add(event.id);
    const entry = sealEvent(event, current);
    entries.push(entry);
    current = { seq: entry.seq, hash: entry.hash };
  }
  return { entries, skipped: events.length - entries.length, head: current };
}
