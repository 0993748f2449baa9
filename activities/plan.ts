/**
 * `computePlan` and the loaders the workflows page through. The pure diff of `src/core` runs over the stored
 * snapshot, one group at a time (heartbeating and yielding the event loop between groups), and each changed group's
 * plan is stored on its own, so `applyGroup` loads only its group. The workflow gets refs, the digest, totals and
 * the approval decision.
 *
 * Before a removal is planned because a member is *absent* from the snapshot (not because an attribute changed), the
 * member is looked up by id: a listing can miss an active user (offset paging over a changing directory). Users found
 * active that way join the snapshot and are planned like everyone else, so the listing's gap never removes anyone.
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
import { findUnmatchedSelectors } from '../src/core/failsafes';
import { evaluateApproval } from '../src/core/policy';
import type { GrantsByGroupId, RoleGrant } from '../src/core/role-grants';
import type { RulesDocument } from '../src/core/rules-schema';
import type { PlanGroupSummary, PlannedMember } from '../workflows/messages';
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

/** One changed group's stored plan: everything `applyGroup` needs, pinned by the digest the approver saw. */
export interface StoredGroupPlan {
  planId: string;
  planDigest: string;
  /** What the approver saw for this group. */
  approved: GroupPlan;
  target: ResolvedTarget;
  /** Group version observed at planning time (the first write's optimistic version). */
  observedVersion: number;
  /** Members the rules want. */
  desired: string[];
  /** Individual members observed at planning time. */
  observed: string[];
  /** Every member added and removed, with the clause that decides it (what `gcsync plan` shows, in full). */
  members: { add: PlannedMember[]; remove: PlannedMember[] };
}

/** The plan's manifest (what `planRef` names): small whatever the org size. */
export interface StoredPlanManifest {
  planId: string;
  planDigest: string;
  totals: ComputePlanResult['totals'];
  changedRef: string;
  summariesRef: string;
  /** Every check the gate ran, tripped or not, with its detail: the record of why the run did or did not wait. */
  failsafes: Array<{ name: string; tripped: boolean; detail: string; groupId?: string }>;
}

/** Members per changed group shown with their reason in the plan summaries (the stored group plan has them all). */
const MEMBERS_IN_SUMMARY = 10;
/** Bytes of member lines across one page of summaries, so a page stays far below the 256 KB payload warning. */
const MEMBER_BYTES_PER_SUMMARY_PAGE = 120_000;
/** Summaries per page the workflow loads (see `SUMMARY_PAGE` in workflows/reconcile.ts). */
const SUMMARY_PAGE = 250;

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
    let groupPlans = planAll(targets, desiredByKey, observed, owned);

    // Members planned for removal who are not in the snapshot at all: confirm by id before trusting their absence.
    const listed = new Set(users.map((u) => u.id));
    const absent = [...new Set(groupPlans.flatMap((g) => g.toRemove.filter((id) => !listed.has(id))))].sort();
    const confirmed = await confirmActive(absent, input.expand);
    if (confirmed.length) {
      log.warn('active users missing from the users listing were found by id; planning with them', {
        count: confirmed.length,
        example: confirmed[0].id,
      });
      users.push(...confirmed);
      desiredByKey = await resolveDesired(doc, users, pause);
      groupPlans = planAll(targets, desiredByKey, observed, owned);
    }

    const planned = buildPlan(groupPlans);
    const digest = planDigest(planned, () => createHash('sha256'));
    const activeUsers = users.filter((u) => u.state === 'active').length;
    const previous = await lastCompletedRun();
    const approval = evaluateApproval(input.policy, planned, {
      activeUsers,
      previousActiveUsers: previous?.activeUsers,
      roleGrantsByGroupId: await roleGrantsOfChanged(planned.groups, targets),
      unmatchedSelectors: findUnmatchedSelectors(doc, users),
    });
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
    const shownMembers = new Map<string, PlanGroupSummary['members']>();
    const changed: ChangedGroup[] = [];
    for (const [index, approved] of planned.groups.entries()) {
      if (approved.toAdd.length + approved.toRemove.length === 0) continue;
      const target = targets[index];
      const members = {
        add: membersOf(target.key, approved.toAdd, 'add'),
        remove: membersOf(target.key, approved.toRemove, 'remove'),
      };
      shownMembers.set(target.groupId, {
        add: members.add.slice(0, MEMBERS_IN_SUMMARY),
        remove: members.remove.slice(0, MEMBERS_IN_SUMMARY),
      });
      const stored: StoredGroupPlan = {
        planId,
        planDigest: digest,
        approved,
        target,
        observedVersion: observed.get(target.groupId)!.version,
        desired: desiredByKey.get(target.key) ?? [],
        observed: observed.get(target.groupId)!.individuals,
        members,
      };
      const ref = await deps.blobs.put(blobKeys.groupPlan(ctx, target.groupId), stored);
      changed.push({ ...target, groupPlanRef: ref.ref });
      await pause();
    }
    let pageBytes = 0;
    const summaries: PlanGroupSummary[] = planned.groups.map((g, index) => {
      if (index % SUMMARY_PAGE === 0) pageBytes = 0;
      const members = shownMembers.get(g.groupId);
      const bytes = members ? JSON.stringify(members).length : 0;
      // Member lines only while the page has room: a huge plan still pages within the payload limits.
      const withMembers = members !== undefined && pageBytes + bytes <= MEMBER_BYTES_PER_SUMMARY_PAGE;
      if (withMembers) pageBytes += bytes;
      return {
        groupId: g.groupId,
        groupName: g.groupName,
        mode: g.mode,
        adds: g.toAdd.length,
        removes: g.toRemove.length,
        unchanged: g.unchanged,
        currentCount: g.currentCount,
        desiredCount: g.desiredCount,
        ...(withMembers ? { members } : {}),
      };
    });
    const changedRef = (await deps.blobs.put(blobKeys.changed(ctx), changed)).ref;
    const summariesRef = (await deps.blobs.put(blobKeys.planSummaries(ctx), summaries)).ref;
    const manifest: StoredPlanManifest = {
      planId,
      planDigest: digest,
      totals: planned.totals,
      changedRef,
      summariesRef,
      failsafes: approval.failsafes,
    };
    const planRef = (await deps.blobs.put(blobKeys.plan(ctx), manifest)).ref;
    return {
      planId,
      planRef,
      planDigest: digest,
      totals: planned.totals,
      approvalRequired: approval.required,
      approvalReasons: approval.reasons,
      changedRef,
      changedCount: changed.length,
      summariesRef,
      confirmedById: confirmed.length,
      activeUsers,
      warnings: approval.warnings,
      failsafesTripped: approval.failsafes.filter((f) => f.tripped).map((f) => `${f.name}: ${f.detail}`),
    };
  }

  /**
   * Role grants of the groups this plan changes (only those: a group that does not change grants nobody anything
   * new, and only where the listing does not already say roles are off for the group). `undefined` when the directory cannot read grants: the role check then reports itself not checked.
   */
  async function roleGrantsOfChanged(
    groupPlans: readonly GroupPlan[],
    targets: readonly ResolvedTarget[],
  ): Promise<GrantsByGroupId | undefined> {
    const read = deps.directory.getRoleGrants?.bind(deps.directory);
    if (!read) return undefined;
    const grants: Record<string, RoleGrant[]> = {};
    for (const [index, group] of groupPlans.entries()) {
      if (group.toAdd.length + group.toRemove.length === 0) continue;
      // The listing says roles are off for this group: it grants nothing, no read needed (unknown → read).
      if (targets[index].rolesEnabled === false) {
        grants[group.groupId] = [];
        continue;
      }
      try {
        grants[group.groupId] = await read(group.groupId);
      } catch (err) {
        throw toDirectoryFailure(err, `reading the role grants of group ${group.groupName}`);
      }
      heartbeat({ phase: 'role grants' });
    }
    return grants;
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
  ): GroupPlan[] {
    return targets.map((target) =>
      planGroup({
        groupId: target.groupId,
        groupName: target.groupName,
        mode: target.mode,
        desired: desiredByKey.get(target.key) ?? [],
        current: observed.get(target.groupId)!.individuals,
        ownedByTool: owned.get(target.groupId) ?? [],
      }),
    );
  }

  /** The users among `ids` that Genesys reports active (with the snapshot's expansions), in batches of 100. */
  async function confirmActive(ids: readonly string[], expand: readonly string[]): Promise<DirectoryUser[]> {
    const found: DirectoryUser[] = [];
    for (let i = 0; i < ids.length; i += CONFIRM_BATCH) {
      let batch;
      try {
        batch = await deps.directory.getUsersByIds(ids.slice(i, i + CONFIRM_BATCH), expand);
      } catch (err) {
        throw toDirectoryFailure(err, 'confirming by id the members missing from the users listing');
      }
      const wanted = new Set(ids.slice(i, i + CONFIRM_BATCH));
      const users = await completeExpansions(
        batch.filter((u) => wanted.has(String(u.id))),
        expand,
      );
      found.push(...users.filter((u) => u.state === 'active'));
      heartbeat({ phase: 'confirm', done: i + CONFIRM_BATCH });
    }
    return found;
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
