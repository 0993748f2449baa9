/**
 * How a computed plan is stored, whoever computed it (`computePlan` from the rules, `computeRevertPlan` from a run's
 * audit entries): one blob per changed group (all `applyGroup` loads), the changed list the apply children page
 * through, the summaries the workflow pages through, and a small manifest. The workflow gets refs, the digest,
 * totals and the gate's decision.
 */
import type { GroupPlan } from '../src/core/diff';
import type { Plan } from '../src/core/plan';
import type { ApprovalDecision } from '../src/core/policy';
import type { RevertTarget } from '../src/core/revert';
import type { PlanGroupSummary, PlannedMember } from '../workflows/messages';
import { blobKeys, type ActivityDeps } from './deps';
import type { ChangedGroup, ComputePlanResult, ResolvedTarget, RunContext } from './types';

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
  /**
   * Set when this plan reverts a run: applying it never goes beyond the approved adds and removes (a re-read only
   * drops what is already done), and every membership entry names the reverted run.
   */
  revertOf?: Required<RevertTarget>;
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
  /** The run this plan reverts, when it is a revert. */
  revertOf?: Required<RevertTarget>;
}

/** Members per changed group shown with their reason in the plan summaries (the stored group plan has them all). */
const MEMBERS_IN_SUMMARY = 10;
/** Bytes of member lines across one page of summaries, so a page stays far below the 256 KB payload warning. */
const MEMBER_BYTES_PER_SUMMARY_PAGE = 120_000;
/** Summaries per page the workflow loads (see `SUMMARY_PAGE` in workflows/reconcile.ts). */
const SUMMARY_PAGE = 250;

/** What {@link storePlan} stores. `planned.groups[i]` is the plan of `targets[i]`. */
export interface StorePlanInput {
  ctx: RunContext;
  planned: Plan;
  targets: readonly ResolvedTarget[];
  planId: string;
  digest: string;
  approval: ApprovalDecision;
  /** The group as observed at planning time. */
  observed: (groupId: string) => { version: number; individuals: string[] };
  /** The members the plan wants in the target's group. */
  desired: (target: ResolvedTarget) => string[];
  /** The planned members of one kind, with why. */
  membersOf: (target: ResolvedTarget, ids: readonly string[], kind: 'add' | 'remove') => PlannedMember[];
  confirmedById: number;
  activeUsers: number;
  revertOf?: Required<RevertTarget>;
  /** Called between groups (yield the event loop, heartbeat). */
  pause: () => Promise<void>;
}

/** Stores a computed plan (see the module comment) and returns what the workflow keeps of it. */
export async function storePlan(deps: Pick<ActivityDeps, 'blobs'>, input: StorePlanInput): Promise<ComputePlanResult> {
  const { ctx, planned, targets, planId, digest, approval, revertOf } = input;
  const shownMembers = new Map<string, PlanGroupSummary['members']>();
  const changed: ChangedGroup[] = [];
  for (const [index, approved] of planned.groups.entries()) {
    if (approved.toAdd.length + approved.toRemove.length === 0) continue;
    const target = targets[index];
    const members = {
      add: input.membersOf(target, approved.toAdd, 'add'),
      remove: input.membersOf(target, approved.toRemove, 'remove'),
    };
    shownMembers.set(target.groupId, {
      add: members.add.slice(0, MEMBERS_IN_SUMMARY),
      remove: members.remove.slice(0, MEMBERS_IN_SUMMARY),
    });
    const observed = input.observed(target.groupId);
    const stored: StoredGroupPlan = {
      planId,
      planDigest: digest,
      approved,
      target,
      observedVersion: observed.version,
      desired: input.desired(target),
      observed: observed.individuals,
      members,
      ...(revertOf ? { revertOf } : {}),
    };
    const ref = await deps.blobs.put(blobKeys.groupPlan(ctx, target.groupId), stored);
    changed.push({ ...target, groupPlanRef: ref.ref });
    await input.pause();
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
    ...(revertOf ? { revertOf } : {}),
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
    confirmedById: input.confirmedById,
    activeUsers: input.activeUsers,
    warnings: approval.warnings,
    failsafesTripped: approval.failsafes.filter((f) => f.tripped).map((f) => `${f.name}: ${f.detail}`),
  };
}
