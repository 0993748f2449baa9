/**
 * Delivers what the SCIM outbox holds for one IdP group, chunk by chunk, clearing each chunk as soon as the IdP has
 * accepted it. A retry (or the next run) therefore sends only what is still pending: the outbox is the resume point,
 * so no chunk cursor has to survive in a heartbeat, and a delta recorded meanwhile simply joins the next attempt.
 */
import type { ScimOutbox } from '../store/scim-outbox';
import type { ScimNotifier } from './client';
import { ScimError } from './errors';

/** Options of {@link deliverPending}. */
export interface DeliverPendingOptions {
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

/**
 * Sends the group's pending operations (removals first, then additions, in the configured chunk size) and clears each
 * accepted chunk from the outbox. Nothing pending → nothing sent.
 *
 * @throws ScimError when a chunk fails; the failure (redacted message) is recorded on the entry with
 *   {@link ScimOutbox.markFailed}, and what was not accepted stays pending. A cancellation is rethrown unrecorded.
 * @throws whatever the outbox throws (store unreachable): retryable, nothing is lost.
 */
export async function deliverPending(
  notifier: ScimNotifier,
  outbox: ScimOutbox,
  idpGroupId: string,
  options: DeliverPendingOptions = {},
): Promise<DeliverPendingResult> {
  const result: DeliverPendingResult = { requests: 0, operations: 0, members: 0, statuses: [] };
  const entry = await outbox.get(idpGroupId);
  if (!entry) return result;
  try {
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
  }
}
