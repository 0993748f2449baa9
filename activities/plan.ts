/**
 * `computePlan` and the loaders the workflows page through. The pure diff of `src/core` runs over the stored
 * snapshot, one group at a time (heartbeating and yielding the event loop between groups), and each changed group's
 * plan is stored on its own, so `applyGroup` loads only its group. The workflow gets refs, the digest, totals and
 * the approval decision.
 *
 * Before a removal is planned because a member is *absent* from the snapshot (not because an attribute changed), the
 * member is looked up by id in every state: a listing can miss an active user (offset paging over a changing
 * directory). Users found active that way join the snapshot and are planned like everyone else, so the listing's gap
 * never removes anyone. Only a member Genesys reports inactive or deleted is removed for absence; one that does not
 * come back at all cannot be read by this OAuth client (user reads are division-filtered) and is kept, with a warning:
 * gcsync never removes someone it cannot see.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import { DesiredResolver } from '../src/core/desired-resolver';
import { MembershipExplainer } from '../src/core/explain';
import type { DirectoryUser } from '../src/core/directory-user';
import { planGroup, type GroupPlan } from '../src/core/diff';
import { FAILURE_TYPES } from '../src/core/failure-types';
import { NestingError } from '../src/core/nesting-graph';
import { buildPlan, planDigest } from '../src/core/plan';
import { findUnmatchedSelectors, narrowingUnmatchedByGroup } from '../src/core/failsafes';
import { evaluateApproval } from '../src/core/policy';
import { unmanagedMemberWarnings, unreadableMemberWarnings } from '../src/core/unmanaged-members';
import type { RulesDocument } from '../src/core/rules-schema';
import type { PlanGroupSummary, PlannedMember } from '../workflows/messages';
import { storePlan } from './plan-store';
import { roleGrantsOfChanged } from './role-grants-read';
import { blobKeys, type ActivityDeps } from './deps';
import { toDirectoryFailure } from './failures';
import type { GroupsManifest, ObservedGroup, StoredUsersPage, UsersManifest } from './snapshot';
import type {
  ChangedGroup,
  ComputePlanInput,
  ComputePlanResult,
  LoadChangedInput,
  LoadPlanSummariesInput,
  ResolvedTarget,
  RunContext,
  RunStats,
} from './types';
import { makeUserReads } from './user-reads';

export type { StoredGroupPlan, StoredPlanManifest } from './plan-store';

/** Ids per `GET /api/v2/users?id=` confirmation read. */
const CONFIRM_BATCH = 100;
/** Longest stretch of planning CPU between two yields of the event loop (keeps heartbeats and polls flowing). */
const SLICE_MS = 200;

export function makePlanActivities(deps: ActivityDeps) {
  const { completeExpansions } = makeUserReads(deps);

  async function computePlan(input: ComputePlanInput): Promise<ComputePlanResult> {
    try {
      return await plan(input);
    } catch (err) {
      throw asPlanningFailure(err);
    }
  }

  async function plan(input: ComputePlanInput): Promise<ComputePlanResult> {
    const { ctx } = input;
    const pause = pacemaker();
    const doc = await deps.blobs.get<RulesDocument>(input.rulesRef);
    const targets = await deps.blobs.get<ResolvedTarget[]>(input.targetsRef);
    const groups = await deps.blobs.get<GroupsManifest>(input.groupsRef);
    const users = await loadUsers(input.usersRef, pause);

    const observed = new Map<string, ObservedGroup>();
    for (const target of targets) {
      observed.set(target.groupId, await deps.blobs.get<ObservedGroup>(groups.groups[target.groupId]));
      await pause();
    }
    const owned = new Map<string, string[]>();
    for (const target of targets) {
      if (target.mode === 'managed') owned.set(target.groupId, await deps.ledger.ownedBy(target.groupId));
    }

    let desiredByKey = await resolveDesired(doc, users, pause);
    let groupPlans = planAll(targets, desiredByKey, observed, owned, new Set());

    // Members planned for removal who are not in the snapshot at all: read them by id before trusting their absence.
    const listed = new Set(users.map((u) => u.id));
    const absent = [...new Set(groupPlans.flatMap((g) => g.toRemove.filter((id) => !listed.has(id))))].sort();
    const { active: confirmed, unreadable } = await readAbsent(absent, input.expand);
    if (confirmed.length) {
      log.warn('active users missing from the users listing were found by id; planning with them', {
        count: confirmed.length,
        example: confirmed[0].id,
      });
      users.push(...confirmed);
      desiredByKey = await resolveDesired(doc, users, pause);
    }
    if (unreadable.size) {
      log.warn('group members this OAuth client cannot read by id are kept', {
        count: unreadable.size,
        example: [...unreadable][0],
      });
    }
    if (confirmed.length || unreadable.size) {
      groupPlans = planAll(targets, desiredByKey, observed, owned, unreadable);
    }

    const planned = buildPlan(groupPlans);
    const digest = planDigest(planned, () => createHash('sha256'));
    const activeUsers = users.filter((u) => u.state === 'active').length;
    const previous = await lastCompletedRun();
    const unmatchedSelectors = findUnmatchedSelectors(doc, users);
    const narrowingByKey = narrowingUnmatchedByGroup(doc, unmatchedSelectors);
    const approval = evaluateApproval(input.policy, planned, {
      activeUsers,
      previousActiveUsers: previous?.activeUsers,
      roleGrantsByGroupId: await roleGrantsOfChanged(deps, planned.groups, targets),
      unmatchedSelectors,
      unmatchedSelectorsByGroupId: new Map(targets.map((t) => [t.groupId, narrowingByKey.get(t.key) ?? []])),
    });
    approval.warnings.push(
      ...unreadableMemberWarnings(
        targets.map((t) => ({ groupName: t.groupName, individuals: observed.get(t.groupId)!.individuals })),
        unreadable,
      ),
      ...unmanagedMemberWarnings(
        targets.map((t) => ({
          groupName: t.groupName,
          listedMemberCount: t.memberCount,
          individuals: observed.get(t.groupId)!.individuals.length,
        })),
      ),
    );
    await deps.blobs.put(blobKeys.runStats(ctx), { ...ctx, activeUsers } satisfies RunStats);
    const planId = `plan-${digest.slice(0, 12)}-${ctx.runId.slice(0, 8)}`;

    const explainer = new MembershipExplainer(doc);
    const usersById = new Map(users.map((u) => [u.id, u]));
    const membersOf = (key: string, ids: readonly string[], kind: 'add' | 'remove'): PlannedMember[] => {
      const reasons = explainer.reasonsFor(usersById, key, ids, kind);
      return ids.map((id) => {
        const user = usersById.get(id);
        const why = reasons.get(id)!;
        return {
          id,
          ...(user?.name ? { name: user.name } : {}),
          ...(user?.email ? { email: user.email } : {}),
          // Usually the email; kept only when it says something more.
          ...(user?.username && user.username !== user.email ? { username: user.username } : {}),
          clause: why.clause,
          reason: why.text,
        };
      });
    };
    return storePlan(deps, {
      ctx,
      planned,
      targets,
      planId,
      digest,
      approval,
      observed: (groupId) => observed.get(groupId)!,
      desired: (target) => desiredByKey.get(target.key) ?? [],
      membersOf: (target, ids, kind) => membersOf(target.key, ids, kind),
      confirmedById: confirmed.length,
      activeUsers,
      pause,
    });
  }

  async function lastCompletedRun(): Promise<RunStats | undefined> {
    const key = blobKeys.lastCompletedRun();
    return (await deps.blobs.has(key)) ? deps.blobs.get<RunStats>(key) : undefined;
  }

  /** Makes this run's figures the baseline of the next run's shrink guard (called when a run completes). */
  async function recordCompletedRun({ ctx }: { ctx: RunContext }): Promise<void> {
    const key = blobKeys.runStats(ctx);
    if (await deps.blobs.has(key)) await deps.blobs.put(blobKeys.lastCompletedRun(), await deps.blobs.get(key));
  }

  function planAll(
    targets: readonly ResolvedTarget[],
    desiredByKey: ReadonlyMap<string, string[]>,
    observed: ReadonlyMap<string, ObservedGroup>,
    owned: ReadonlyMap<string, string[]>,
    unreadable: ReadonlySet<string>,
  ): GroupPlan[] {
    return targets.map((target) =>
      planGroup({
        groupId: target.groupId,
        groupName: target.groupName,
        mode: target.mode,
        desired: desiredByKey.get(target.key) ?? [],
        current: observed.get(target.groupId)!.individuals,
        ownedByTool: owned.get(target.groupId) ?? [],
        keep: unreadable,
      }),
    );
  }

  /**
   * Reads `ids` by id in every state, in batches of 100: the users Genesys reports active (with the snapshot's
   * expansions), and the ids it does not return at all (not readable by this client). The others are inactive or
   * deleted: their absence from the snapshot is confirmed.
   */
  async function readAbsent(
    ids: readonly string[],
    expand: readonly string[],
  ): Promise<{ active: DirectoryUser[]; unreadable: Set<string> }> {
    const active: DirectoryUser[] = [];
    const unreadable = new Set(ids);
    for (let i = 0; i < ids.length; i += CONFIRM_BATCH) {
      const wanted = new Set(ids.slice(i, i + CONFIRM_BATCH));
      let batch;
      try {
        batch = await deps.directory.getUsersByIds([...wanted], expand, 'any');
      } catch (err) {
        throw toDirectoryFailure(err, 'reading by id the members missing from the users listing');
      }
      const returned = batch.filter((u) => wanted.has(String(u.id)));
      for (const u of returned) unreadable.delete(String(u.id));
      active.push(
        ...(await completeExpansions(
          returned.filter((u) => u.state === 'active'),
          expand,
        )),
      );
      heartbeat({ phase: 'confirm', done: i + CONFIRM_BATCH });
    }
    return { active, unreadable };
  }

  /**
   * Loads the snapshot's users. Role, skill and location entries repeat across users (200,000 users with 10 skills
   * each hold 2,000,000 entries but a few thousand distinct ones), so equal entries are shared: memory stays
   * proportional to users, not to users × attributes.
   */
  async function loadUsers(usersRef: string, pause: () => Promise<void>): Promise<DirectoryUser[]> {
    const manifest = await deps.blobs.get<UsersManifest>(usersRef);
    const shared = new Map<string, unknown>();
    const intern = <T>(value: T): T => {
      const key = JSON.stringify(value);
      const known = shared.get(key) as T | undefined;
      if (known !== undefined) return known;
      shared.set(key, value);
      return value;
    };
    const users: DirectoryUser[] = [];
    for (const page of manifest.pages) {
      for (const user of (await deps.blobs.get<StoredUsersPage>(page)).users) {
        user.roles = intern(user.roles.map(intern));
        user.skills = intern(user.skills.map(intern));
        user.locations = intern(user.locations.map(intern));
        if (user.divisionId !== undefined) user.divisionId = intern(user.divisionId);
        if (user.divisionName !== undefined) user.divisionName = intern(user.divisionName);
        if (user.department !== undefined) user.department = intern(user.department);
        if (user.title !== undefined) user.title = intern(user.title);
        users.push(user);
      }
      await pause();
    }
    return users;
  }

  async function loadPlanSummaries({
    summariesRef,
    offset,
    limit,
  }: LoadPlanSummariesInput): Promise<PlanGroupSummary[]> {
    return (await deps.blobs.get<PlanGroupSummary[]>(summariesRef)).slice(offset, offset + limit);
  }

  async function loadChangedGroups({ changedRef, offset, limit }: LoadChangedInput): Promise<ChangedGroup[]> {
    return (await deps.blobs.get<ChangedGroup[]>(changedRef)).slice(offset, offset + limit);
  }

  return { computePlan, loadPlanSummaries, loadChangedGroups, recordCompletedRun };
}

/** Desired members per rule key, resolved group by group with a pause (yield + heartbeat) between groups. */
async function resolveDesired(
  doc: RulesDocument,
  users: readonly DirectoryUser[],
  pause: () => Promise<void>,
): Promise<Map<string, string[]>> {
  const resolver = new DesiredResolver(doc, users);
  const desired = new Map<string, string[]>();
  for (const group of resolver.order()) {
    desired.set(group, resolver.resolve(group));
    await pause();
  }
  return desired;
}

/**
 * A pause function for long CPU work: it yields the event loop (so heartbeats, other activities and workflow tasks
 * keep flowing) and heartbeats, at most once per {@link SLICE_MS}.
 */
function pacemaker(): () => Promise<void> {
  let sliceStart = Date.now();
  return async () => {
    if (Date.now() - sliceStart < SLICE_MS) return;
    heartbeat({ phase: 'planning' });
    await yieldToEventLoop();
    sliceStart = Date.now();
  };
}

/**
 * Planning is deterministic over stored data: an error that is not about reaching a service (a cycle that slipped
 * through, data a selector cannot handle, a value too large) would fail the same way on every retry, so it ends the
 * run with its message instead of being retried for 30 minutes.
 */
function asPlanningFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (
    err instanceof NestingError ||
    err instanceof RangeError ||
    err instanceof TypeError ||
    err instanceof SyntaxError
  ) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.invalidData,
      nonRetryable: true,
      message: `planning failed on the stored data: ${err.message}`,
    });
  }
  return err;
}
