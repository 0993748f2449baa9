/**
 * `applyGroup`: makes one group match its rules within its approved plan. Level-triggered: every attempt (first,
 * after a 409, after a crash) re-reads the group's version and individuals and recomputes the delta
 * (`convergeDelta`), so nothing is blindly replayed, concurrent edits are corrected, and nobody who was a member
 * when the plan was approved is removed unless the approver saw it. Removals go first, then additions, ≤ 50 ids
 * per call, each POST with the version of a fresh read.
 */
import { ApplicationFailure, Context, heartbeat, log, metricMeter } from '@temporalio/activity';
import type { MembershipChangeEvent } from '../src/audit/entry';
import { chunk, convergeDelta, type GroupPlan } from '../src/core/diff';
import { auditIds, blobKeys, type ActivityDeps } from './deps';
import { FAILURE_TYPES, isVersionConflict, statusOf, toDirectoryFailure } from './failures';
import type { StoredPlan } from './plan';
import type { ApplyGroupInput, ApplyGroupResult, RunContext } from './types';

/** Conflicts resolved inside one attempt before handing the retry to Temporal's backoff. */
const MAX_CONFLICTS_PER_ATTEMPT = 10;

/** What was applied to a group, for the SCIM notification. */
export interface AppliedChanges {
  groupId: string;
  added: string[];
  removed: string[];
}

export function makeApplyGroup(deps: ActivityDeps) {
  return async function applyGroup(input: ApplyGroupInput): Promise<ApplyGroupResult> {
    // Counters come from the activity context's meter (it is only reachable inside an activity).
    const changesCounter = metricMeter.createCounter(
      'gcsync_membership_changes',
      'changes',
      'Membership changes applied',
    );
    const conflictCounter = metricMeter.createCounter(
      'gcsync_version_conflicts',
      'conflicts',
      'Group version conflicts (409)',
    );
    heartbeat({ phase: 'start' });
    const stored = await deps.blobs.get<StoredPlan>(input.planRef);
    const approved = stored.plan.groups.find((g) => g.groupId === input.groupId);
    if (!approved) {
      throw ApplicationFailure.create({
        message: `group ${input.groupId} is not in plan ${stored.planId}`,
        type: 'PlanNotFound',
        nonRetryable: true,
      });
    }
    const ctx = input.ctx;
    const record = (events: MembershipChangeEvent[]) => (events.length ? deps.audit.append(events) : undefined);
    const change = (
      op: 'add' | 'remove',
      userId: string,
      batchIndex: number,
      groupVersion: number,
      outcome: MembershipChangeEvent['outcome'],
      httpStatus: number,
      error?: string,
    ): MembershipChangeEvent => ({
      type: 'membership.change',
      id: auditIds.membership(ctx, approved.groupId, op, userId),
      at: new Date().toISOString(),
      workflowId: ctx.workflowId,
      runId: ctx.runId,
      groupId: approved.groupId,
      groupName: approved.groupName,
      userId,
      op,
      batchIndex,
      groupVersion,
      outcome,
      httpStatus,
      approvalRef: input.approvalRef,
      ...(error ? { error } : {}),
    });

    let conflicts = 0;
    for (;;) {
      const { version, current } = await readGroup(approved.groupId);
      heartbeat({ phase: 'read' });
      const delta = convergeDelta({
        approved,
        desired: stored.desired[approved.groupId] ?? [],
        observedAtPlan: stored.observed[approved.groupId] ?? [],
        fresh: current,
        ownedByTool: approved.mode === 'managed' ? await deps.ledger.ownedBy(approved.groupId) : [],
      });
      // Changes already in place (an earlier attempt wrote them, or someone else did) are recorded once, under
      // the same id an applied entry would have had: a retry neither loses nor duplicates them.
      await record([
        ...alreadyApplied(approved.toRemove, delta.toRemove).map((u) =>
          change('remove', u, -1, version, 'already-applied', 200),
        ),
        ...alreadyApplied(approved.toAdd, delta.toAdd).map((u) =>
          change('add', u, -1, version, 'already-applied', 200),
        ),
      ]);
      try {
        await removeAll(delta, version);
        await addAll(delta);
        break;
      } catch (err) {
        if (!isVersionConflict(err)) throw err;
        conflicts += 1;
        conflictCounter.add(1, { group: approved.groupId });
        log.info('version conflict; re-reading the group', { groupId: approved.groupId, conflicts });
        if (conflicts >= MAX_CONFLICTS_PER_ATTEMPT) {
          throw ApplicationFailure.create({
            message: `group ${approved.groupName}: ${conflicts} version conflicts in a row`,
            type: FAILURE_TYPES.conflict,
          });
        }
      }
    }

    // What changed since the plan's observation: what the IdP, which mirrored the group then, must be told.
    const finalMembers = new Set((await readGroup(approved.groupId)).current);
    const observed = stored.observed[approved.groupId] ?? [];
    const observedSet = new Set(observed);
    const applied: AppliedChanges = {
      groupId: approved.groupId,
      added: [...finalMembers].filter((u) => !observedSet.has(u)).sort(),
      removed: observed.filter((u) => !finalMembers.has(u)),
    };
    const ref = await deps.blobs.put(blobKeys.applied(ctx, approved.groupId), applied);
    return {
      groupId: approved.groupId,
      added: applied.added.length,
      removed: applied.removed.length,
      appliedRef: ref.ref,
      conflictsResolved: conflicts,
    };

    async function removeAll(delta: GroupPlan, version: number): Promise<void> {
      for (const [batchIndex, ids] of chunk(delta.toRemove).entries()) {
        const status = await write(
          () => deps.directory.removeMembers(approved!.groupId, ids),
          ids,
          'remove',
          batchIndex,
          version,
        );
        await deps.ledger.recordRemoved(approved!.groupId, ids);
        await record(ids.map((u) => change('remove', u, batchIndex, version, 'applied', status)));
        changesCounter.add(ids.length, { op: 'remove' });
        heartbeat({ phase: 'remove', batchIndex });
      }
    }

    async function addAll(delta: GroupPlan): Promise<void> {
      for (const [batchIndex, ids] of chunk(delta.toAdd).entries()) {
        // Every POST carries the version of a fresh read: removals and earlier batches bump it.
        const { version } = await readGroup(approved!.groupId, false);
        const status = await write(
          () => deps.directory.addMembers(approved!.groupId, ids, version),
          ids,
          'add',
          batchIndex,
          version,
        );
        await deps.ledger.recordAdded(approved!.groupId, ids);
        await record(ids.map((u) => change('add', u, batchIndex, version, 'applied', status)));
        changesCounter.add(ids.length, { op: 'add' });
        heartbeat({ phase: 'add', batchIndex });
      }
    }

    /** Runs one write; a rejected write (non-retryable 4xx) is audited per user before the failure propagates. */
    async function write(
      call: () => Promise<number>,
      ids: string[],
      op: 'add' | 'remove',
      batchIndex: number,
      version: number,
    ): Promise<number> {
      // An attempt the server has already timed out (a slow or paused worker) learns it through the heartbeat
      // and must not write: the retry running elsewhere re-reads and writes instead, so no write is sent twice.
      heartbeat({ phase: op, batchIndex });
      Context.current().cancellationSignal.throwIfAborted();
      try {
        return await call();
      } catch (err) {
        if (isVersionConflict(err)) throw err;
        const failure = toDirectoryFailure(err, `${op} ${ids.length} member(s) of group ${approved!.groupName}`);
        if (failure.nonRetryable) {
          const status = statusOf(err) ?? 0;
          await record(ids.map((u) => change(op, u, batchIndex, version, 'failed', status, failure.message)));
          await deps.audit.append([
            {
              type: 'group.failed',
              id: auditIds.groupFailed(ctx, approved!.groupId),
              at: new Date().toISOString(),
              workflowId: ctx.workflowId,
              runId: ctx.runId,
              groupId: approved!.groupId,
              groupName: approved!.groupName,
              reason: failure.message,
              httpStatus: status,
            },
          ]);
        }
        throw failure;
      }
    }
  };

  async function readGroup(groupId: string, withMembers = true): Promise<{ version: number; current: string[] }> {
    try {
      const group = await deps.directory.getGroup(groupId);
      const current = withMembers ? await deps.directory.getIndividuals(groupId) : [];
      return { version: group.version, current };
    } catch (err) {
      throw toDirectoryFailure(err, `reading group ${groupId}`);
    }
  }
}

function alreadyApplied(approved: readonly string[], stillToDo: readonly string[]): string[] {
  const pending = new Set(stillToDo);
  return approved.filter((u) => !pending.has(u));
}

export type { RunContext };
