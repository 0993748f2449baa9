/**
 * Inputs and outputs of the activities, shared by the workflows (type-only) and the implementations.
 * Everything is small: large data (users, group members, plans) lives in the blob store and travels as refs.
 */
import type { FailsafeSettings } from '../src/core/policy-schema';
import type { PlanGroupSummary, PlanTotals, ReconcileInput } from '../workflows/messages';

/** Identifies the run an activity works for; part of every deterministic key. */
export interface RunContext {
  workflowId: string;
  runId: string;
}

/** A target group after resolution of the name or id written in the rules. */
export interface ResolvedTarget {
  /** The group as written in the rules file (name or id). */
  key: string;
  groupId: string;
  groupName: string;
  mode: 'exact' | 'additive' | 'managed';
  /** Group id at the SCIM IdP (same id unless mapped in the rules). */
  idpGroupId: string;
  /** Group version from the groups listing (the plan's optimistic starting point for writes). */
  version: number;
  /** `false` when the listing says roles cannot be granted to the group (its grants need no read). */
  rolesEnabled?: boolean;
  /** `memberCount` from the groups listing: more than the individuals means members gcsync does not manage. */
  memberCount?: number;
}

/** A group with changes, as an apply-batch child loads it: the target and the ref of its own stored plan. */
export interface ChangedGroup extends ResolvedTarget {
  groupPlanRef: string;
}

/**
 * Effective policy after the rules file and the run's overrides are merged. The failsafe fields come from the
 * rules file (resolved with their defaults); runs cannot override them.
 */
export interface EffectivePolicy extends FailsafeSettings {
  requireApproval: 'always' | 'never' | 'auto';
  maxRemovals: number;
  maxRemovalRatio: number;
  approvalTimeoutMs: number;
  concurrency: number;
}

export type PrepareRunResult =
  | {
      ok: true;
      rulesRef: string;
      /** The resolved targets are stored (a 10,000-group run would not fit in a payload). */
      targetsRef: string;
      targetCount: number;
      expand: string[];
      policy: EffectivePolicy;
    }
  | {
      ok: false;
      kind: 'invalid-rules' | 'cycle' | 'unknown-groups' | 'revert-refused';
      message: string;
      cycle?: string[];
    };

export interface PrepareRunInput {
  ctx: RunContext;
  input: ReconcileInput;
}

export interface ComputeRevertPlanInput {
  ctx: RunContext;
  /** The run's input; `revertOf` names the run to revert, `overrides` apply to its policy as to any run's. */
  input: ReconcileInput;
}

/**
 * What `computeRevertPlan` gives the workflow: what `prepareRun` and `computePlan` give it for a rules run (so the
 * gate and the apply are the same), and the run reverted (its run id resolved); or why the revert is refused.
 */
export type ComputeRevertPlanResult =
  | {
      ok: true;
      prepared: Extract<PrepareRunResult, { ok: true }>;
      plan: ComputePlanResult;
      revertOf: { workflowId: string; runId: string };
    }
  | { ok: false; kind: 'revert-refused'; message: string };

export interface SnapshotUsersInput {
  ctx: RunContext;
  expand: string[];
}

export interface SnapshotUsersResult {
  usersRef: string;
  count: number;
  pages: number;
}

export interface ReadGroupsInput {
  ctx: RunContext;
  targetsRef: string;
}

export interface ReadGroupsResult {
  groupsRef: string;
  count: number;
}

export interface ComputePlanInput {
  ctx: RunContext;
  rulesRef: string;
  usersRef: string;
  groupsRef: string;
  targetsRef: string;
  policy: EffectivePolicy;
  /** The expansions the snapshot used (users confirmed by id are read with the same). */
  expand: string[];
}

export interface ComputePlanResult {
  planId: string;
  planRef: string;
  planDigest: string;
  totals: PlanTotals;
  approvalRequired: boolean;
  approvalReasons: string[];
  /** Ref of the groups with at least one change ({@link ChangedGroup}[], plan order) and how many there are. */
  changedRef: string;
  changedCount: number;
  /** Ref of every group's {@link PlanGroupSummary}, in plan order. */
  summariesRef: string;
  /** Active users listed by id after the listing missed them (they were then planned like everyone else). */
  confirmedById: number;
  /** Active users in this snapshot (the shrink guard's figure). */
  activeUsers: number;
  /** Things the approver should see whatever the decision (they never gate by themselves). */
  warnings: string[];
  /** The failsafes that tripped, one line each (the full pass/trip record is in the stored plan). */
  failsafesTripped: string[];
}

/** What a completed run saw, kept as the baseline of the next run's shrink guard. */
export interface RunStats {
  workflowId: string;
  runId: string;
  activeUsers: number;
}

export interface LoadPlanSummariesInput {
  summariesRef: string;
  offset: number;
  limit: number;
}

export interface LoadChangedInput {
  changedRef: string;
  offset: number;
  limit: number;
}

export interface ApplyGroupInput {
  ctx: RunContext;
  /** Ref of this group's stored plan: the only plan data `applyGroup` loads. */
  groupPlanRef: string;
  groupId: string;
  /** Who approved this plan (or `policy` when no approval was needed); recorded on every change. */
  approvalRef: string;
}

export interface ApplyGroupResult {
  groupId: string;
  added: number;
  removed: number;
  /** Ref of the applied deltas (for the SCIM notification). */
  appliedRef: string;
  conflictsResolved: number;
  /** Whether the worker notifies an IdP (SCIM configured); `false` lets the workflow skip `notifyScim`. */
  scimEnabled?: boolean;
}

export interface NotifyScimInput {
  ctx: RunContext;
  groupId: string;
  groupName: string;
  idpGroupId: string;
  appliedRef: string;
}

export type NotifyScimResult = { status: 'off' } | { status: 'notified'; requests: number; ops: number };

export type { PlanGroupSummary };

/**
 * An audit event as the workflow hands it to `recordAudit`: a deterministic `id`, the run, the time and
 * event-specific fields. The sink adds `seq`, `prevHash` and `hash`.
 */
export interface AuditEventInput {
  type: string;
  id: string;
  workflowId: string;
  runId: string;
  at: string;
  actor?: string;
  [field: string]: unknown;
}
