/**
 * Delivers what the SCIM outbox holds for one IdP group, chunk by chunk, clearing each chunk as soon as the IdP has
 * accepted it. A retry (or the next run) therefore sends only what is still pending: the outbox is the resume point,
 * so no chunk cursor has to survive in a heartbeat, and a delta recorded meanwhile simply joins the next attempt.
 *
 * One deliverer per group at a time (a lease in the outbox): were two to send concurrently, an op from an older
 * snapshot could reach the IdP after a newer opposite one, and the IdP would be out of sync with nothing pending.
 */
import type { ScimOutbox } from '../store/scim-outbox';
import type { ScimNotifier } from './client';
import { ScimError } from './errors';

/** Options of {@link deliverPending}. */
export interface DeliverPendingOptions {
  /** Who delivers (unique per activity attempt); holds the group's delivery lease meanwhile. */
  holder: string;
  /** Aborts the request in flight (the activity's cancellation signal); nothing is marked failed then. */
  signal?: AbortSignal;
  /** Called after each accepted and cleared chunk (e.g. to heartbeat). */
  onChunkDone?: (progress: { requests: number; members: number; remaining: number }) => void | Promise<void>;
  /** Time recorded with a failure (ISO); default now. */
  now?: () => string;
}

/** Outcome of a delivery that left nothing pending. */
export interface DeliverPendingResult {
  /** PATCH requests sent. */
  requests: number;
  /** PatchOp operations sent (one per removed id, one per `add`). */
  operations: number;
  /** Member changes delivered (one per id). */
  members: number;
  /** HTTP status of each request, in order. */
  statuses: number[];
}

/** Another deliverer holds the group's lease (an overlapping run, or an earlier attempt still running). Retryable. */
export class ScimOutboxBusyError extends Error {
  override readonly name = 'ScimOutboxBusyError';
  constructor(
    readonly idpGroupId: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `SCIM delivery for IdP group ${idpGroupId} is in progress elsewhere (another run or attempt); try again later`,
    );
  }
}

/** Default per-request timeout assumed when the notifier does not tell its own. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * How long a delivery lease lasts without renewal: it is renewed after every chunk, so it must outlast one request
 * (its timeout) plus the outbox write, with margin for a slow machine.
 */
export function leaseTtlMs(notifier: ScimNotifier): number {
  return 2 * (notifier.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + 30_000;
}

/**
 * Sends the group's pending operations (removals first, then additions, in the configured chunk size) and clears each
 * accepted chunk from the outbox. Nothing pending → nothing sent.
 *
 * @throws ScimOutboxBusyError when another deliverer holds the group's lease (nothing sent).
 * @throws ScimError when a chunk fails; the failure (redacted message) is recorded on the entry with
 *   {@link ScimOutbox.markFailed}, and what was not accepted stays pending. A cancellation is rethrown unrecorded.
 * @throws whatever the outbox throws (store unreachable): retryable, nothing is lost.
 */
export async function deliverPending(
  notifier: ScimNotifier,
  outbox: ScimOutbox,
  idpGroupId: string,
  options: DeliverPendingOptions,
): Promise<DeliverPendingResult> {
  const result: DeliverPendingResult = { requests: 0, operations: 0, members: 0, statuses: [] };
  const ttl = leaseTtlMs(notifier);
  if (!(await outbox.claim(idpGroupId, options.holder, ttl))) throw new ScimOutboxBusyError(idpGroupId, ttl);
  try {
    const entry = await outbox.get(idpGroupId);
    if (!entry) return result;
    // The first claim holds nothing when nothing was pending; ops recorded since then need the lease too.
    if (!(await outbox.claim(idpGroupId, options.holder, ttl))) throw new ScimOutboxBusyError(idpGroupId, ttl);
    const sent = await notifier.notifyGroup({
      idpGroupId,
      add: entry.add,
      remove: entry.remove,
      ...(options.signal ? { signal: options.signal } : {}),
      onChunkDone: async (_index, chunk) => {
        const remaining = await outbox.clear(idpGroupId, { add: chunk.added, remove: chunk.removed });
        result.requests += 1;
        result.members += chunk.added.length + chunk.removed.length;
        result.statuses.push(chunk.status);
        // Renew before the next request; a lease lost (expired and taken over) means stop sending at once.
        if (remaining > 0 && !(await outbox.claim(idpGroupId, options.holder, ttl))) {
          throw new ScimOutboxBusyError(idpGroupId, ttl);
        }
        await options.onChunkDone?.({ requests: result.requests, members: result.members, remaining });
      },
    });
    result.operations = sent.ops;
    return result;
  } catch (err) {
    if (err instanceof ScimError && err.kind !== 'cancelled') {
      await outbox.markFailed(idpGroupId, err.message, options.now?.());
    }
    throw err;
  } finally {
    await outbox.release(idpGroupId, options.holder).catch(() => undefined);
  }
}
