/**
 * `applyGroup`: makes one group match its rules within its approved plan, at the API's call floor.
 *
 * Optimistic first: a first attempt starts from the plan's own observation (members and version read at snapshot
 * time) and sends only the writes — removals first, then additions, ≤ 50 ids per call, each POST with the version
 * it expects. Level-triggered when anything is in doubt: a 409 (someone else changed the group) or a retried attempt
 * (an earlier one may have written some batches) re-reads the group's version and individuals and recomputes the
 * delta (`convergeDelta`), so nothing is blindly replayed, concurrent edits are corrected, and nobody who was a
 * member when the plan was approved is removed unless the approver saw it.
 *
 * What the IdP must be told comes from the writes made (plus, after a re-read, the approved changes found already in
 * place), so no read is spent on it.
 */
import { activityInfo, ApplicationFailure, Context, heartbeat, log, metricMeter } from '@temporalio/activity';
import type { MembershipChangeEvent } from '../src/audit/entry';
import { chunk, convergeDelta, recomputeDelta, type GroupPlan } from '../src/core/diff';
import { FAILURE_TYPES } from '../src/core/failure-types';
import { auditIds, blobKeys, type ActivityDeps } from './deps';
import { appendAudit } from './record-audit';
import { isVersionConflict, statusOf, toDirectoryFailure } from './failures';
import type { StoredGroupPlan } from './plan';
import type { ApplyGroupInput, ApplyGroupResult, RunContext } from './types';

/** Conflicts resolved inside one attempt before handing the retry to Temporal's backoff. */
const MAX_CONFLICTS_PER_ATTEMPT = 10;

/** What was applied to a group, for the SCIM notification. */
export interface AppliedChanges {
  groupId: string;
  added: string[];
  removed: string[];
}

type Op = MembershipChangeEvent['op'];

/** What differs between adding and removing members; everything else in this activity is one path for both. */
interface OpSpec {
  /** The op's ids in a plan or delta. */
  ids(plan: GroupPlan): readonly string[];
  /** One write of ≤ 50 ids; resolves with the HTTP status. Only additions carry the expected version. */
  write(directory: ActivityDeps['directory'], groupId: string, ids: string[], version: number): Promise<number>;
  /** Records the written ids in the ownership ledger. */
  record(ledger: ActivityDeps['ledger'], groupId: string, ids: readonly string[]): Promise<void>;
  /** Whether a user is a member once the op is in place. */
  memberAfter: boolean;
}

const OPS: Record<Op, OpSpec> = {
  remove: {
    ids: (plan) => plan.toRemove,
    write: (directory, groupId, ids) => directory.removeMembers(groupId, ids),
    record: (ledger, groupId, ids) => ledger.recordRemoved(groupId, ids),
    memberAfter: false,
  },
  add: {
    ids: (plan) => plan.toAdd,
    write: (directory, groupId, ids, version) => directory.addMembers(groupId, ids, version),
    record: (ledger, groupId, ids) => ledger.recordAdded(groupId, ids),
    memberAfter: true,
  },
};

/** The order of the writes, and of the audit entries: removals, then additions. */
const OP_ORDER: readonly Op[] = ['remove', 'add'];

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
    const stored = await deps.blobs.get<StoredGroupPlan>(input.groupPlanRef);
    const approved = stored.approved;
    if (approved.groupId !== input.groupId) {
      throw ApplicationFailure.create({
        message: `group ${input.groupId} is not the group of plan entry ${input.groupPlanRef}`,
        type: FAILURE_TYPES.planNotFound,
        nonRetryable: true,
      });
    }
    const ctx = input.ctx;
    const groupId = approved.groupId;
    const record = (events: MembershipChangeEvent[]) => (events.length ? appendAudit(deps, events) : undefined);
    const change = (
      op: Op,
      userId: string,
      batchIndex: number,
      groupVersion: number,
      outcome: MembershipChangeEvent['outcome'],
      httpStatus: number,
      error?: string,
    ): MembershipChangeEvent => ({
      type: 'membership.change',
      id: auditIds.membership(ctx, groupId, op, userId),
      at: new Date().toISOString(),
      workflowId: ctx.workflowId,
      runId: ctx.runId,
      groupId,
      groupName: approved.groupName,
      userId,
      op,
      batchIndex,
      groupVersion,
      outcome,
      httpStatus,
      approvalRef: input.approvalRef,
      ...(stored.revertOf ? { revertOf: stored.revertOf } : {}),
      ...(error ? { error } : {}),
    });

    const applied = { add: new Set<string>(), remove: new Set<string>() };
    // A retried attempt cannot know what its predecessor wrote: it starts from a fresh read, like a 409 does.
    const retried = activityInfo().attempt > 1 || activityInfo().heartbeatDetails !== undefined;
    let conflicts = 0;
    let version = stored.observedVersion;
    let delta: GroupPlan = approved;
    if (retried) ({ version, delta } = await reconverge());
    for (;;) {
      try {
        for (const op of OP_ORDER) version = await writeAll(op, OPS[op].ids(delta), version);
        break;
      } catch (err) {
        if (!isVersionConflict(err)) throw err;
        conflicts += 1;
        conflictCounter.add(1, { group: groupId });
        log.info('version conflict; re-reading the group', { groupId, conflicts });
        if (conflicts >= MAX_CONFLICTS_PER_ATTEMPT) {
          throw ApplicationFailure.create({
            message: `group ${approved.groupName}: ${conflicts} version conflicts in a row`,
            type: FAILURE_TYPES.conflict,
          });
        }
        ({ version, delta } = await reconverge());
      }
    }

    const result: AppliedChanges = { groupId, added: [...applied.add].sort(), removed: [...applied.remove].sort() };
    const ref = await deps.blobs.put(blobKeys.applied(ctx, groupId), result);
    return {
      groupId,
      added: result.added.length,
      removed: result.removed.length,
      appliedRef: ref.ref,
      conflictsResolved: conflicts,
      scimEnabled: deps.scim !== undefined,
    };

    /**
     * Re-reads the group and recomputes what is left. Approved changes already in place (an earlier attempt wrote
     * them, or someone else did) are recorded once — audit entry and ownership ledger — under the same id an applied
     * entry would have had: a retry neither loses nor duplicates them.
     */
    async function reconverge(): Promise<{ version: number; delta: GroupPlan }> {
      const fresh = await readGroup();
      heartbeat({ phase: 'read' });
      // A revert undoes exactly what was approved (no rules to converge on): a re-read only drops what is done.
      const next = stored.revertOf
        ? recomputeDelta(approved, fresh.current)
        : convergeDelta({
            approved,
            desired: stored.desired,
            observedAtPlan: stored.observed,
            fresh: fresh.current,
            ownedByTool: approved.mode === 'managed' ? await deps.ledger.ownedBy(groupId) : [],
          });
      const done = OP_ORDER.map((op) => ({
        op,
        ids: alreadyApplied(OPS[op].ids(approved), OPS[op].ids(next), fresh.current, OPS[op].memberAfter),
      }));
      for (const { op, ids } of done) if (ids.length) await OPS[op].record(deps.ledger, groupId, ids);
      await record(
        done.flatMap(({ op, ids }) => ids.map((u) => change(op, u, -1, fresh.version, 'already-applied', 200))),
      );
      for (const { op, ids } of done) for (const u of ids) applied[op].add(u);
      return { version: fresh.version, delta: next };
    }

    /**
     * Writes `ids` in batches of ≤ 50 and returns the version the group is expected to have afterwards. Genesys does
     * not return the new version; each change is assumed to bump it by one (true of the emulator, unconfirmed for the
     * real service), and a wrong guess costs one 409, which re-reads the group.
     */
    async function writeAll(op: Op, ids: readonly string[], startVersion: number): Promise<number> {
      let expected = startVersion;
      for (const [batchIndex, batch] of chunk(ids).entries()) {
        const status = await write(op, batch, batchIndex, expected);
        await OPS[op].record(deps.ledger, groupId, batch);
        await record(batch.map((u) => change(op, u, batchIndex, expected, 'applied', status)));
        for (const u of batch) applied[op].add(u);
        changesCounter.add(batch.length, { op });
        heartbeat({ phase: op, batchIndex });
        expected += 1;
      }
      return expected;
    }

    /** Runs one write; a rejected write (non-retryable 4xx) is audited per user before the failure propagates. */
    async function write(op: Op, ids: string[], batchIndex: number, expected: number): Promise<number> {
      // An attempt the server has already timed out (a slow or paused worker) learns it through the heartbeat
      // and must not write: the retry running elsewhere re-reads and writes instead, so no write is sent twice.
      heartbeat({ phase: op, batchIndex });
      Context.current().cancellationSignal.throwIfAborted();
      try {
        return await OPS[op].write(deps.directory, groupId, ids, expected);
      } catch (err) {
        if (isVersionConflict(err)) throw err;
        const failure = toDirectoryFailure(err, `${op} ${ids.length} member(s) of group ${approved.groupName}`);
        if (failure.nonRetryable) {
          const status = statusOf(err) ?? 0;
          await record(ids.map((u) => change(op, u, batchIndex, expected, 'failed', status, failure.message)));
          await appendAudit(deps, [
            {
              type: 'group.failed',
              id: auditIds.groupFailed(ctx, groupId),
              at: new Date().toISOString(),
              workflowId: ctx.workflowId,
              runId: ctx.runId,
              groupId,
              groupName: approved.groupName,
              reason: failure.message,
              httpStatus: status,
            },
          ]);
        }
        throw failure;
      }
    }

    async function readGroup(): Promise<{ version: number; current: string[] }> {
      try {
        const group = await deps.directory.getGroup(groupId);
        const current = await deps.directory.getIndividuals(groupId);
        return { version: group.version, current };
      } catch (err) {
        throw toDirectoryFailure(err, `reading group ${approved.groupName}`);
      }
    }
  };
}

/** Approved changes no longer pending that are in fact in place (present for adds, absent for removes). */
function alreadyApplied(
  approved: readonly string[],
  stillToDo: readonly string[],
  current: readonly string[],
  memberAfter: boolean,
): string[] {
  const pending = new Set(stillToDo);
  const members = new Set(current);
  return approved.filter((u) => !pending.has(u) && members.has(u) === memberAfter);
}

export type { RunContext };
