/**
 * `notifyScim`: tells the IdP what changed in one group, as RFC 7644 PatchOp deltas (never a full member list).
 *
 * The delta is first recorded in the durable SCIM outbox (once per run and group, so a retry never records it
 * twice), then everything pending for the group is delivered, this run's delta and whatever earlier runs could not
 * deliver. Each accepted chunk is cleared from the outbox at once, so a retry after a crash or a 429 sends only what
 * is still pending. A notification that fails for good (retries exhausted, or rejected) stays in the outbox: the next
 * run's `deliverScimOutbox` sends it and reports the group as out of sync until then.
 */
import { activityInfo, ApplicationFailure, CancelledFailure, Context, heartbeat } from '@temporalio/activity';
import { FAILURE_TYPES } from '../src/core/failure-types';
import { ScimError } from '../src/scim/errors';
import { deliverPending, ScimOutboxBusyError } from '../src/scim/outbox-delivery';
import type { ScimOutbox } from '../src/store/scim-outbox';
import type { AppliedChanges } from './apply-group';
import { auditIds, scimDeltaKey, type ActivityDeps } from './deps';
import { appendAudit } from './record-audit';
import type { NotifyScimInput, NotifyScimResult } from './types';

/** Progress across attempts, heartbeated after each accepted chunk. */
interface ScimProgress {
  requests: number;
  members: number;
}

export function makeNotifyScim(deps: ActivityDeps) {
  return async function notifyScim(input: NotifyScimInput): Promise<NotifyScimResult> {
    if (!deps.scim) return { status: 'off' };
    const outbox = requireScimOutbox(deps);
    const applied = await deps.blobs.get<AppliedChanges>(input.appliedRef);
    await outbox.record({
      key: scimDeltaKey(input.ctx, input.groupId),
      idpGroupId: input.idpGroupId,
      groupId: input.groupId,
      groupName: input.groupName,
      add: applied.added,
      remove: applied.removed,
    });

    const resumed = activityInfo().heartbeatDetails as ScimProgress | undefined;
    const before: ScimProgress = resumed ?? { requests: 0, members: 0 };
    const base = {
      type: 'scim.notify' as const,
      at: new Date().toISOString(),
      workflowId: input.ctx.workflowId,
      runId: input.ctx.runId,
      groupId: input.groupId,
      groupName: input.groupName,
      idpGroupId: input.idpGroupId,
    };
    try {
      const result = await deliverPending(deps.scim, outbox, input.idpGroupId, {
        holder: deliveryHolder(),
        signal: Context.current().cancellationSignal,
        onChunkDone: (p) => heartbeat({ requests: before.requests + p.requests, members: before.members + p.members }),
      });
      const requests = before.requests + result.requests;
      await appendAudit(deps, [
        {
          ...base,
          id: auditIds.scim(input.ctx, input.groupId, 'sent'),
          ops: result.operations,
          members: before.members + result.members,
          outcome: 'sent',
          httpStatus: result.statuses.at(-1),
          requests,
        },
      ]);
      return { status: 'notified', requests, ops: result.operations };
    } catch (err) {
      if (err instanceof ScimError && !err.retryable && err.kind !== 'cancelled') {
        const pending = await outbox.get(input.idpGroupId);
        await appendAudit(deps, [
          {
            ...base,
            id: auditIds.scim(input.ctx, input.groupId, 'failed'),
            ops: 0,
            outcome: 'failed',
            httpStatus: err.status,
            error: err.message,
            // Kept in the outbox, delivered by a later run: the IdP is out of sync until then.
            pendingOps: pending?.ops ?? 0,
          },
        ]);
      }
      throw scimFailure(err);
    }
  };
}

/** Identifies this activity attempt as the holder of a group's delivery lease. */
export function deliveryHolder(): string {
  const info = activityInfo();
  const run = info.workflowExecution;
  return `${run?.workflowId ?? '-'}/${run?.runId ?? '-'}/${info.activityId}/${info.attempt}`;
}

/** The outbox, or a non-retryable failure: with SCIM on and no outbox, a failed notification would be dropped. */
export function requireScimOutbox(deps: ActivityDeps): ScimOutbox {
  if (deps.scimOutbox) return deps.scimOutbox;
  throw ApplicationFailure.create({
    message: 'SCIM is on (SCIM_BASE_URL) but the worker has no SCIM outbox; refusing to notify without one',
    type: FAILURE_TYPES.scimMisconfigured,
    nonRetryable: true,
  });
}

/**
 * Maps a delivery error to the activity failure: a cancelled request as a cancellation, SCIM errors by their
 * retryability (honouring `Retry-After`), invalid input as misconfiguration; anything else (the outbox store
 * unreachable) is rethrown as is, so Temporal retries it.
 */
export function scimFailure(err: unknown): unknown {
  // The request was aborted because this attempt was cancelled: report a cancellation, not a rejection by the IdP
  // (the outbox keeps the delta either way).
  if (err instanceof ScimError && err.kind === 'cancelled') return new CancelledFailure(err.message);
  if (err instanceof ScimError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.retryable ? FAILURE_TYPES.scimUnavailable : FAILURE_TYPES.scimRejected,
      nonRetryable: !err.retryable,
      ...(err.retryAfterSeconds ? { nextRetryDelay: err.retryAfterSeconds * 1000 } : {}),
      details: [{ status: err.status, scimType: err.scimType }],
    });
  }
  if (err instanceof ScimOutboxBusyError) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE_TYPES.scimOutboxBusy, nonRetryable: false });
  }
  if (err instanceof TypeError || err instanceof RangeError) {
    return ApplicationFailure.create({
      message: `SCIM notify: ${err.message}`,
      type: FAILURE_TYPES.scimMisconfigured,
      nonRetryable: true,
    });
  }
  return err;
}
