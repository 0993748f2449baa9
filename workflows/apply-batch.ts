/**
 * Child workflow that applies one batch of groups with bounded concurrency. Splitting the apply phase into
 * children keeps every execution's history small (1,000 groups → 10 children of 100) whatever the org size.
 */
import { ApplicationFailure, getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ChangedGroup, RunContext } from '../activities/types';
import { FAILURE_TYPES } from '../src/core/failure-types';
import { auditEvent } from './audit-event';
import { groupsDoneSignal } from './internal-messages';
import type { GroupOutcome } from './messages';

/** Heartbeat timeout of the activities that heartbeat progress, unless the run sets `activityHeartbeatTimeout`. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 60_000;

/**
 * `applyGroup` and `notifyScim` with the run's heartbeat timeout (ms). Throttling and crashes are not failures of a
 * group: `applyGroup`'s attempts are not capped (each retry re-reads and converges), time is — schedule-to-close.
 */
function applyActivities(heartbeatTimeout: number) {
  const { applyGroup } = proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: '6 hours',
    heartbeatTimeout,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      nonRetryableErrorTypes: [FAILURE_TYPES.rejected, FAILURE_TYPES.planNotFound],
    },
  });
  const { notifyScim } = proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout,
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      maximumAttempts: 10,
      nonRetryableErrorTypes: ['ScimRejected', 'ScimMisconfigured'],
    },
  });
  return { applyGroup, notifyScim };
}

const { recordAudit, loadChangedGroups } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Progress signals a child sends at most (plus one at the end), whatever its number of groups. */
const PROGRESS_SIGNALS = 10;

/** Input of one apply batch. */
export interface ApplyBatchInput {
  ctx: RunContext;
  parentWorkflowId: string;
  /** Ref of the run's changed groups; this child applies `limit` of them from `offset`. */
  changedRef: string;
  offset: number;
  limit: number;
  approvalRef: string;
  concurrency: number;
  /** Heartbeat timeout of `applyGroup` and `notifyScim`, in ms. @default {@link DEFAULT_HEARTBEAT_TIMEOUT_MS} */
  heartbeatTimeoutMs?: number;
}

/** Applies each group (removals, then additions), then notifies the SCIM peer; a failed group never stops the others. */
export async function applyGroupsBatch(input: ApplyBatchInput): Promise<GroupOutcome[]> {
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  const { applyGroup, notifyScim } = applyActivities(input.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS);
  const groups = await loadChangedGroups({ changedRef: input.changedRef, offset: input.offset, limit: input.limit });
  const outcomes: GroupOutcome[] = [];
  const queue = [...groups];
  const unsent: GroupOutcome[] = [];
  const signalEvery = Math.max(1, Math.ceil(groups.length / PROGRESS_SIGNALS));
  const report = async (force: boolean): Promise<void> => {
    if (unsent.length === 0 || (!force && unsent.length < signalEvery)) return;
    await parent.signal(groupsDoneSignal, unsent.splice(0));
  };

  /** Tells the IdP what was applied; a failure is recorded and audited, never a failure of the group. */
  async function notify(target: ChangedGroup, appliedRef: string): Promise<GroupOutcome['scim']> {
    try {
      const scim = await notifyScim({
        ctx: input.ctx,
        groupId: target.groupId,
        groupName: target.groupName,
        idpGroupId: target.idpGroupId,
        appliedRef,
      });
      return scim.status;
    } catch (err) {
      // The Genesys change stands; the IdP notification failure is recorded (and audited by the activity).
      log.warn('SCIM notification failed', { groupId: target.groupId, error: describe(err) });
      // Same id as the activity's own record of a rejected notification, so each failure is audited once.
      await recordAudit([
        auditEvent(input.ctx, 'scim.notify', `scim/${target.groupId}/failed`, {
          groupId: target.groupId,
          groupName: target.groupName,
          idpGroupId: target.idpGroupId,
          ops: 0,
          outcome: 'failed',
          error: describe(err),
        }),
      ]);
      return 'failed';
    }
  }

  async function applyOne(target: ChangedGroup): Promise<void> {
    const outcome: GroupOutcome = {
      groupId: target.groupId,
      groupName: target.groupName,
      added: 0,
      removed: 0,
      failed: false,
    };
    try {
      const applied = await applyGroup({
        ctx: input.ctx,
        groupPlanRef: target.groupPlanRef,
        groupId: target.groupId,
        approvalRef: input.approvalRef,
      });
      outcome.added = applied.added;
      outcome.removed = applied.removed;
      // No IdP configured on the workers: no notification activity to schedule (half the apply phase's tasks).
      outcome.scim = applied.scimEnabled === false ? 'off' : await notify(target, applied.appliedRef);
    } catch (err) {
      outcome.failed = true;
      outcome.error = describe(err);
      await recordAudit([
        auditEvent(input.ctx, 'group.failed', `group-failed/${target.groupId}`, {
          groupId: target.groupId,
          groupName: target.groupName,
          reason: outcome.error,
        }),
      ]);
    }
    outcomes.push(outcome);
    unsent.push(outcome);
    await report(false);
  }

  const lanes = Math.max(1, Math.min(input.concurrency, queue.length));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await applyOne(next);
    }),
  );
  await report(true);
  const byId = new Map(outcomes.map((o) => [o.groupId, o]));
  return groups.map((g) => byId.get(g.groupId)!);
}

function describe(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.message;
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : err.message;
  }
  return String(err);
}
