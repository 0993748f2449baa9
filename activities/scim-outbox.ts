/**
 * SCIM outbox activities: `deliverScimOutbox` sends every notification an earlier run could not deliver (called at
 * the start of each run, even when Genesys has nothing to change), and `listScimOutbox` tells what is still pending
 * (for the run's result). Together they make an IdP that is behind visible instead of silently out of sync.
 */
import { Context, heartbeat } from '@temporalio/activity';
import type { IdpOutOfSyncGroup } from '../workflows/messages';
import { ScimError } from '../src/scim/errors';
import { deliverPending, ScimOutboxBusyError } from '../src/scim/outbox-delivery';
import type { ScimOutboxSummary } from '../src/store/scim-outbox';
import { auditIds, type ActivityDeps } from './deps';
import { appendAudit } from './record-audit';
import { deliveryHolder, requireScimOutbox, scimFailure } from './notify-scim';
import type { RunContext } from './types';

/** Input of `deliverScimOutbox`. */
export interface DeliverScimOutboxInput {
  ctx: RunContext;
}

/** A group whose pending notification the IdP accepted in this call. */
export interface ScimOutboxDelivered {
  groupId: string;
  idpGroupId: string;
  /** Member changes delivered. */
  ops: number;
}

/** Result of `deliverScimOutbox`: `pending` is what the IdP still lacks (put it in the run's `idpOutOfSync`). */
export interface DeliverScimOutboxResult {
  delivered: ScimOutboxDelivered[];
  pending: IdpOutOfSyncGroup[];
}

/**
 * After this many groups in a row fail with a retryable error (IdP down, timing out, throttling), the remaining
 * groups are not attempted in this call: each would wait for its own timeout, and the next run tries them anyway.
 */
export const MAX_CONSECUTIVE_UNAVAILABLE = 3;

export function makeScimOutboxActivities(deps: ActivityDeps) {
  /**
   * Delivers every pending outbox entry, oldest first, one group at a time (heartbeating per group and per chunk).
   * A group's failure is contained: it stays pending (with its error recorded) and the next group is tried. Only an
   * unreachable outbox store or a cancellation fails the activity. Each outcome is audited once per run and group
   * (`${workflowId}/${runId}/scim-outbox/${groupId}/delivered|pending|skipped`). SCIM off → nothing to do.
   */
  async function deliverScimOutbox(input: DeliverScimOutboxInput): Promise<DeliverScimOutboxResult> {
    const result: DeliverScimOutboxResult = { delivered: [], pending: [] };
    if (!deps.scim) return result;
    const outbox = requireScimOutbox(deps);
    const signal = Context.current().cancellationSignal;
    const entries = await outbox.list();
    let unavailable = 0;
    let lastUnavailable = '';

    for (const [index, entry] of entries.entries()) {
      heartbeat({ group: index, groups: entries.length });
      signal.throwIfAborted();
      const base = auditBase(input.ctx, entry);
      if (unavailable >= MAX_CONSECUTIVE_UNAVAILABLE) {
        const lastError = `not attempted in this run: IdP unavailable (${lastUnavailable})`;
        result.pending.push(outOfSync(entry, lastError));
        await appendAudit(deps, [
          {
            ...base,
            id: auditIds.scimOutbox(input.ctx, entry.groupId, 'skipped'),
            outcome: 'skipped',
            ops: 0,
            pendingOps: entry.ops,
            error: lastError,
          },
        ]);
        continue;
      }
      try {
        const sent = await deliverPending(deps.scim, outbox, entry.idpGroupId, {
          holder: deliveryHolder(),
          signal,
          onChunkDone: (p) => heartbeat({ group: index, groups: entries.length, ...p }),
        });
        unavailable = 0;
        if (sent.members === 0) continue; // delivered meanwhile by another worker
        result.delivered.push({ groupId: entry.groupId, idpGroupId: entry.idpGroupId, ops: sent.members });
        await appendAudit(deps, [
          {
            ...base,
            id: auditIds.scimOutbox(input.ctx, entry.groupId, 'delivered'),
            outcome: 'sent',
            ops: sent.operations,
            members: sent.members,
            requests: sent.requests,
            httpStatus: sent.statuses.at(-1),
          },
        ]);
      } catch (err) {
        const contained =
          err instanceof ScimError ? err.kind !== 'cancelled' : err instanceof ScimOutboxBusyError || isInputError(err);
        if (!contained) throw scimFailure(err);
        const message = (err as Error).message;
        if (err instanceof ScimOutboxBusyError) {
          // Another run is delivering this group right now: not a failure of the IdP, and nothing to record.
        } else if (err instanceof ScimError && err.retryable) {
          unavailable += 1;
          lastUnavailable = message;
        } else {
          unavailable = 0;
          if (!(err instanceof ScimError)) await outbox.markFailed(entry.idpGroupId, message);
        }
        const left = await outbox.get(entry.idpGroupId);
        result.pending.push(outOfSync(left ?? entry, message));
        await appendAudit(deps, [
          {
            ...base,
            id: auditIds.scimOutbox(input.ctx, entry.groupId, 'pending'),
            outcome: 'failed',
            ops: 0,
            pendingOps: left?.ops ?? entry.ops,
            error: message,
            ...(err instanceof ScimError && err.status !== undefined ? { httpStatus: err.status } : {}),
          },
        ]);
      }
    }
    return result;
  }

  /** Groups still pending in the outbox, oldest first, without delivering anything. SCIM off → none. */
  async function listScimOutbox(): Promise<IdpOutOfSyncGroup[]> {
    if (!deps.scim) return [];
    const entries = await requireScimOutbox(deps).list();
    return entries.map((entry) => outOfSync(entry, entry.lastError ?? 'not delivered yet'));
  }

  return { deliverScimOutbox, listScimOutbox };
}

function outOfSync(entry: ScimOutboxSummary, lastError: string): IdpOutOfSyncGroup {
  return {
    groupId: entry.groupId,
    groupName: entry.groupName,
    idpGroupId: entry.idpGroupId,
    ops: entry.ops,
    since: entry.since,
    lastError,
  };
}

function auditBase(ctx: RunContext, entry: ScimOutboxSummary) {
  return {
    type: 'scim.notify' as const,
    at: new Date().toISOString(),
    workflowId: ctx.workflowId,
    runId: ctx.runId,
    groupId: entry.groupId,
    groupName: entry.groupName,
    idpGroupId: entry.idpGroupId,
    via: 'outbox',
    pendingSince: entry.since,
  };
}

/** A bad stored entry (e.g. an id the notifier refuses) is that group's failure, not the whole activity's. */
function isInputError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError;
}
