/**
 * Hash-chain verification: finds the first entry of a log that was modified, removed, reordered or duplicated since
 * it was written.
 *
 * What it cannot detect without an external anchor: entries cut off the end of the log, or a log rewritten wholesale
 * with every hash recomputed. Keep the returned `head` somewhere else (a ticket, a second store) to catch those.
 */
import { AuditCorruptionError } from './errors';
import { computeEntryHash, GENESIS_HASH, type AuditEntry, type ChainHead } from './entry';

/** How the chain is broken at the first bad entry. */
export type ChainProblem = 'modified' | 'removed' | 'reordered' | 'duplicate';

/** The first place the chain breaks. */
export interface ChainBreak {
  /** The seq at which the chain first breaks (for `removed`: the missing seq). */
  seq: number;
  /** Id of the entry stored at `seq`, when there is one. */
  id?: string;
  problem: ChainProblem;
}

/** Outcome of {@link verifyChain}. */
export type VerifyResult =
  | {
      ok: true;
      /** Entries verified. */
      count: number;
      /** Last entry's seq and hash (`{ 0, GENESIS_HASH }` when empty): record it to detect later truncation. */
      head: ChainHead;
    }
  | {
      ok: false;
      /** Entries verified before the first bad one. */
      count: number;
      firstBad: ChainBreak;
      /** One-line human explanation. */
      message: string;
    };

/**
 * Verifies a complete log, read from its first entry in stored order (e.g. `sink.read()` without `since`).
 *
 * Per entry, in this order: its hash must match its content (`modified`); its id must be new (`duplicate`); its seq
 * must be the next one — a gap is `reordered` if the missing seq turns up later in the stream and `removed` if not,
 * and a seq going backwards is `reordered`; its `prevHash` must equal the previous entry's hash (`removed`: something
 * between them was taken out and the rest renumbered, or the previous entry was rewritten with a recomputed hash).
 * Stops at the first problem. A stored record that cannot be parsed at all is reported as `modified`.
 */
export async function verifyChain(entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>): Promise<VerifyResult> {
  const iterator = toAsyncIterator(entries);
  try {
    return await verifyFrom(iterator);
  } finally {
    // Stopping early must still close what the source holds open (a file handle, a connection).
    await iterator.return?.();
  }
}

async function verifyFrom(iterator: AsyncIterator<AuditEntry>): Promise<VerifyResult> {
  const ids = new Set<string>();
  let count = 0;
  let prevHash = GENESIS_HASH;
  const expected = (): number => count + 1;
  const fail = (firstBad: ChainBreak, message: string): VerifyResult => ({ ok: false, count, firstBad, message });

  for (;;) {
    let next: IteratorResult<AuditEntry>;
    try {
      next = await iterator.next();
    } catch (err) {
      if (!(err instanceof AuditCorruptionError)) throw err;
      return fail({ seq: expected(), problem: 'modified' }, `entry ${expected()} is unreadable: ${err.message}`);
    }
    if (next.done) return { ok: true, count, head: { seq: count, hash: prevHash } };

    const entry = next.value as unknown as Record<string, unknown>;
    if (!isLinked(entry)) {
      const seq = typeof entry?.seq === 'number' ? entry.seq : expected();
      return fail({ seq, problem: 'modified' }, `entry ${seq} lacks a valid id, seq, prevHash or hash`);
    }
    const { seq, id } = entry;
    if (computeEntryHash(entry) !== entry.hash) {
      return fail({ seq, id, problem: 'modified' }, `entry ${seq} (${id}) does not match its hash: it was modified`);
    }
    if (ids.has(id)) {
      return fail({ seq, id, problem: 'duplicate' }, `entry ${seq} repeats id ${id}, already stored earlier`);
    }
    if (seq < expected()) {
      return fail(
        { seq, id, problem: 'reordered' },
        `entry ${seq} (${id}) appears after entry ${expected() - 1}: entries were reordered`,
      );
    }
    if (seq > expected()) {
      const missing = expected();
      const later = await findLater(iterator, missing);
      return later
        ? fail(
            { seq: missing, id: later.id, problem: 'reordered' },
            `entry ${missing} (${later.id}) appears later in the log, after entry ${seq}: entries were reordered`,
          )
        : fail({ seq: missing, problem: 'removed' }, `entry ${missing} is missing (next is ${seq}): it was removed`);
    }
    if (entry.prevHash !== prevHash) {
      return fail(
        { seq, id, problem: 'removed' },
        seq === 1
          ? `entry 1 (${id}) does not start from the genesis hash: earlier entries were removed`
          : `entry ${seq} (${id}) does not link to entry ${seq - 1}: entries were removed, or entry ${seq - 1} was ` +
              'rewritten with a recomputed hash',
      );
    }
    ids.add(id);
    prevHash = entry.hash;
    count += 1;
  }
}

interface Linked {
  id: string;
  seq: number;
  prevHash: string;
  hash: string;
}

function isLinked(entry: Record<string, unknown> | null | undefined): entry is Record<string, unknown> & Linked {
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.id === 'string' &&
    typeof entry.seq === 'number' &&
    Number.isInteger(entry.seq) &&
    typeof entry.prevHash === 'string' &&
    typeof entry.hash === 'string'
  );
}

/** Consumes the rest of the stream looking for `seq`; only runs once a gap has already been found. */
async function findLater(iterator: AsyncIterator<AuditEntry>, seq: number): Promise<{ id?: string } | undefined> {
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const entry = next.value as unknown as Record<string, unknown> | null;
      if (entry?.seq === seq) return { id: typeof entry.id === 'string' ? entry.id : undefined };
    }
  } catch (err) {
    // The rest is unreadable: the missing entry cannot be shown to exist, so it counts as removed.
    if (!(err instanceof AuditCorruptionError)) throw err;
  }
  return undefined;
}

function toAsyncIterator<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const sync = source[Symbol.iterator]();
  return { next: async () => sync.next() };
}
