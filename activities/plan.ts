/**
 * `computePlan` and `loadPlanSummaries`: the pure diff of `src/core` run over the stored snapshot. The plan
 * (with every member id) is stored; the workflow gets its id, digest, totals and the approval decision.
 */
import type { DirectoryUser } from '../src/core/directory-user';
import { planGroup, type GroupPlan } from '../src/core/diff';
import { resolveDesired } from '../src/core/nesting-graph';
import { buildPlan, planDigest, type Plan } from '../src/core/plan';
import { evaluateApproval } from '../src/core/policy';
import type { RulesDocument } from '../src/core/rules-schema';
import type { PlanGroupSummary } from '../workflows/messages';
import { blobKeys, type ActivityDeps } from './deps';
import type { GroupsManifest, ObservedGroup, UsersManifest } from './snapshot';
import type { ComputePlanInput, ComputePlanResult, LoadPlanSummariesInput, ResolvedTarget } from './types';

/** The stored plan: everything `applyGroup` needs, pinned by the digest the approver saw. */
export interface StoredPlan {
  planId: string;
  planDigest: string;
  plan: Plan;
  targets: ResolvedTarget[];
  /** Group version observed at planning time, per group id (for the audit trail). */
  observedVersions: Record<string, number>;
  /** Members the rules want, per group id. */
  desired: Record<string, string[]>;
  /** Individual members observed at planning time, per group id. */
  observed: Record<string, string[]>;
}

export function makePlanActivities(deps: ActivityDeps) {
  async function computePlan(input: ComputePlanInput): Promise<ComputePlanResult> {
    const doc = await deps.blobs.get<RulesDocument>(input.rulesRef);
    const users = await loadUsers(input.usersRef);
    const groups = await deps.blobs.get<GroupsManifest>(input.groupsRef);
    const desiredByKey = resolveDesired(doc, users);

    const observedVersions: Record<string, number> = {};
    const desired: Record<string, string[]> = {};
    const observedMembers: Record<string, string[]> = {};
    const groupPlans: GroupPlan[] = [];
    for (const target of input.targets) {
      const observed = await deps.blobs.get<ObservedGroup>(groups.groups[target.groupId]);
      observedVersions[target.groupId] = observed.version;
      observedMembers[target.groupId] = observed.individuals;
      desired[target.groupId] = desiredByKey.get(target.key) ?? [];
      const ownedByTool = target.mode === 'managed' ? await deps.ledger.ownedBy(target.groupId) : [];
      groupPlans.push(
        planGroup({
          groupId: target.groupId,
          groupName: target.groupName,
          mode: target.mode,
          desired: desired[target.groupId],
          current: observed.individuals,
          ownedByTool,
        }),
      );
    }
    const plan = buildPlan(groupPlans);
    const digest = planDigest(plan);
    const approval = evaluateApproval(input.policy, plan);
    const planId = `plan-${digest.slice(0, 12)}-${input.ctx.runId.slice(0, 8)}`;
    const stored: StoredPlan = {
      planId,
      planDigest: digest,
      plan,
      targets: input.targets,
      observedVersions,
      desired,
      observed: observedMembers,
    };
    const ref = await deps.blobs.put(blobKeys.plan(input.ctx), stored);
    return {
      planId,
      planRef: ref.ref,
      planDigest: digest,
      totals: plan.totals,
      approvalRequired: approval.required,
      approvalReasons: approval.reasons,
      changedGroupIds: plan.groups.filter((g) => g.toAdd.length + g.toRemove.length > 0).map((g) => g.groupId),
    };
  }

  async function loadUsers(usersRef: string): Promise<DirectoryUser[]> {
    const manifest = await deps.blobs.get<UsersManifest>(usersRef);
    const users: DirectoryUser[] = [];
    for (const page of manifest.pages) users.push(...(await deps.blobs.get<DirectoryUser[]>(page)));
    return users;
  }

  async function loadPlanSummaries({ planRef, offset, limit }: LoadPlanSummariesInput): Promise<PlanGroupSummary[]> {
    const stored = await deps.blobs.get<StoredPlan>(planRef);
    return stored.plan.groups.slice(offset, offset + limit).map((g) => ({
      groupId: g.groupId,
      groupName: g.groupName,
      mode: g.mode,
      adds: g.toAdd.length,
      removes: g.toRemove.length,
      unchanged: g.unchanged,
      currentCount: g.currentCount,
      desiredCount: g.desiredCount,
    }));
  }

  return { computePlan, loadPlanSummaries };
}
