/**
 * The public contract of the `reconcileGroups` workflow: its input, result, signals and queries.
 * The worker bundles this file with the workflow; the typed client, the CLI and the HTTP service import it
 * for the message definitions. Everything here is JSON-serialisable and carries no secret.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PlanMemberRecord } from '../src/core/plan-member-page';
import type { RevertTarget } from '../src/core/revert';

export type { RevertTarget };

/** Workflow type name, as used by `temporal schedule create --type` and by the client. */
export const RECONCILE_WORKFLOW_TYPE = 'reconcileGroups';

/** Default task queue for the worker and every starter. */
export const DEFAULT_TASK_QUEUE = 'gcsync';

/** What a run does after planning: `plan` stops after the plan (dry run); `apply` writes. */
export type RunMode = 'plan' | 'apply';

/** Per-run overrides of the rules file's policy and of worker defaults. */
export interface ReconcileOverrides {
  requireApproval?: 'always' | 'never' | 'auto';
  maxRemovals?: number;
  maxRemovalRatio?: number;
  /** Duration string (`90s`, `15m`, `24h`). */
  approvalTimeout?: string;
  /** How many groups are applied at once. */
  concurrency?: number;
  /**
   * Heartbeat timeout (duration string, `1s` to `5m`) of the activities that heartbeat their progress: the users
   * snapshot, the group reads, `applyGroup` and the SCIM notification. After a worker dies, Temporal retries such an
   * attempt (from its last heartbeat) once this long has passed without one, and the SDK sends heartbeats at most
   * every 80 % of it. Shorter = faster failover and a fresher resume point, but every gap between two heartbeats
   * (one Genesys or SCIM request, with its pacing and retries) must stay below it. Default `1m`.
   */
  activityHeartbeatTimeout?: string;
}

/**
 * Input of one reconciliation run. Give the rules inline (`rules`, the parsed-or-raw document) or as a
 * reference the worker can read (`rulesRef`: a path on the worker, or `blob:<key>` in the plan store).
 * `targetGroups` restricts the run to those groups (ids or names as written in the rules) — the original
 * tutorial's body `{"targetGroups": [...]}` maps here.
 */
export interface ReconcileInput {
  mode: RunMode;
  rules?: unknown;
  rulesRef?: string;
  targetGroups?: string[];
  overrides?: ReconcileOverrides;
  /** Who or what started the run (a person, a schedule, a service); recorded in the audit log. */
  requestedBy?: string;
  /**
   * Revert that run instead of planning from rules: the inverse of the membership changes it applied (from the audit
   * log) that are still in place, gated and applied like any plan, under the reverted run's policy. `rules`,
   * `rulesRef` and `targetGroups` are ignored. Without `runId`, the latest run of `workflowId` in the audit log.
   */
  revertOf?: RevertTarget;
}

/** How a decision reached the run, recorded in the audit entry beside the approver's name. */
export interface DecisionOrigin {
  /** `cli`, `http`, `client` or `web-ui` (a signal sent by hand). */
  via: string;
  /** The operating-system user who ran the CLI. */
  osUser?: string;
  /** The name of the HTTP token the caller authenticated with. */
  caller?: string;
}

/** Payload to approve the plan a run is waiting on; `planDigest` must equal the run's current digest. */
export interface ApproveSignal {
  by: string;
  planDigest: string;
  comment?: string;
  origin?: DecisionOrigin;
}

/** Payload to reject the plan a run is waiting on. */
export interface RejectSignal {
  by: string;
  reason: string;
  origin?: DecisionOrigin;
}

/** Answer of an accepted `approvePlan` / `rejectPlan` Update. */
export interface DecisionAccepted {
  decision: 'approved' | 'rejected';
  by: string;
  planDigest: string;
}

/** Life-cycle phase of a run, mirrored in the `GcsyncPhase` search attribute. */
export type RunPhase =
  | 'starting'
  | 'snapshot'
  | 'planning'
  | 'awaiting-approval'
  | 'applying'
  | 'completed'
  | 'planned'
  | 'no-changes'
  | 'rejected'
  | 'expired'
  | 'aborted'
  | 'failed'
  | 'skipped'
  | 'superseded'
  | 'already-pending'
  | 'cancelled';

/** Totals of a plan. */
export interface PlanTotals {
  groups: number;
  groupsChanged: number;
  adds: number;
  removes: number;
}

/** Answer of the `status` query. */
export interface RunStatus {
  phase: RunPhase;
  mode: RunMode;
  /** The run this run reverts (run id resolved once planned). */
  revertOf?: RevertTarget;
  startedAt: string;
  planId?: string;
  planDigest?: string;
  totals?: PlanTotals;
  awaitingApproval: boolean;
  approvalRequired: boolean;
  approvalReasons: string[];
  /** What the approver should know whatever the decision (e.g. a selector matching nobody, a group emptied). */
  warnings?: string[];
  /** Failsafes that tripped (each also among `approvalReasons`), as `name: detail`. */
  failsafesTripped?: string[];
  /** ISO time after which a pending approval expires. */
  approvalDeadline?: string;
  approval?: { by: string; at: string; comment?: string };
  rejection?: { by: string; at: string; reason: string };
  /** Approvals refused because they named another digest. */
  refusedApprovals: { by: string; at: string; planDigest: string }[];
  progress: { groupsDone: number; groupsTotal: number; added: number; removed: number; failedGroups: number };
  error?: string;
  /** Groups whose changes the IdP has not accepted yet (kept in the SCIM outbox); absent or empty when in sync. */
  idpOutOfSync?: IdpOutOfSyncGroup[];
}

/**
 * A group whose membership changes are applied in Genesys but still pending at the IdP (SCIM outbox), e.g. after an
 * IdP outage longer than every retry or a rejected notification. Each run tries again; until then the IdP is behind.
 */
export interface IdpOutOfSyncGroup {
  groupId: string;
  groupName: string;
  idpGroupId: string;
  /** Member changes still to deliver. */
  ops: number;
  /** ISO time of the oldest pending change. */
  since: string;
  /** Why the last delivery failed (secret-free). */
  lastError: string;
}

/** One member a plan adds or removes, with the rule clause that decides it. */
export type PlannedMember = PlanMemberRecord;

/** One group's line in the plan, with the first members it adds and removes (all of them are in the stored plan). */
export interface PlanGroupSummary {
  groupId: string;
  groupName: string;
  mode: 'exact' | 'additive' | 'managed';
  adds: number;
  removes: number;
  unchanged: number;
  currentCount: number;
  desiredCount: number;
  /** The first members added and removed, with why; `adds`/`removes` count them all. */
  members?: { add: PlannedMember[]; remove: PlannedMember[] };
}

/** Request of the `plan` query (pages of group summaries). */
export interface PlanPageRequest {
  page?: number;
  pageSize?: number;
}

/** Answer of the `plan` query. */
export interface PlanPage {
  planId?: string;
  planDigest?: string;
  /**
   * Ref of the stored plan (once planned). Every member line of every changed group is there; the CLI
   * (`gcsync plan --full`) and the HTTP service (`GET /api/reconciliations/:id/plan?group=`) read them from the plan
   * store, page by page, since a workflow does no I/O and its payloads stay small.
   */
  planRef?: string;
  page: number;
  pageSize: number;
  totalGroups: number;
  groups: PlanGroupSummary[];
}

/** Outcome of one group in a run. */
export interface GroupOutcome {
  groupId: string;
  groupName: string;
  added: number;
  removed: number;
  failed: boolean;
  error?: string;
  scim?: 'notified' | 'failed' | 'off';
}

/** Result of a run. */
export interface ReconcileResult {
  /**
   * `skipped`: a scheduled run that found an older run of its schedule still at work (not awaiting approval) and
   * stopped before reading anything. `superseded`: a run awaiting approval that a newer run of its schedule replaced
   * with a different plan (see `supersededBy`). `already-pending`: a scheduled run whose plan (same digest) already
   * awaits approval in an older run (see `pendingRun`), so nobody is asked twice.
   */
  status:
    | 'completed'
    | 'planned'
    | 'no-changes'
    | 'rejected'
    | 'expired'
    | 'aborted'
    | 'skipped'
    | 'superseded'
    | 'already-pending';
  planId?: string;
  planDigest?: string;
  totals: { groups: number; added: number; removed: number; failedGroups: number };
  /** Per-group outcomes: every failed group, then others up to 1,000 in all (the audit log has them all). */
  groups: GroupOutcome[];
  /** Outcomes left out of `groups` to keep the result small. */
  groupsOmitted?: number;
  error?: string;
  /** Groups still pending at the IdP when the run ended (see {@link IdpOutOfSyncGroup}); `gcsync run` exits 3. */
  idpOutOfSync?: IdpOutOfSyncGroup[];
  /** `skipped`: the older run of the same schedule that was still at work. */
  activeRun?: RunRef;
  /** `superseded`: the newer run whose plan replaced this one. */
  supersededBy?: RunRef;
  /** `already-pending`: the older run already awaiting approval of the same plan. */
  pendingRun?: RunRef;
}

/** One workflow execution. */
export interface RunRef {
  workflowId: string;
  runId: string;
}

/**
 * Payload of the `supersedePlan` Update: a newer run of the same schedule planned differently (or found nothing left
 * to change), so the plan this run waits on is stale. Sent by the newer run's `resolveScheduledOverlap` activity.
 */
export interface SupersedeRequest {
  /** The run whose newer plan replaces this one. */
  by: RunRef;
  /** The newer plan's digest. */
  planDigest: string;
}

/** Answer of an accepted `supersedePlan` Update. */
export interface SupersedeAccepted {
  superseded: RunRef;
  planDigest: string;
}

/** Signals, for the Web UI's "Send a Signal" (the UI bundled with the CLI cannot send Updates). */
export const approveSignal = defineSignal<[ApproveSignal]>('approve');
export const rejectSignal = defineSignal<[RejectSignal]>('reject');
/**
 * Updates: validated and answered synchronously. A decision the run would not take (not awaiting approval, another
 * digest, nobody named) is refused to the caller with the reason, and leaves no trace in the run's history.
 */
export const approveUpdate = defineUpdate<DecisionAccepted, [ApproveSignal]>('approvePlan');
export const rejectUpdate = defineUpdate<DecisionAccepted, [RejectSignal]>('rejectPlan');
/**
 * Ends a run awaiting approval as `superseded`. Refused (with the reason, leaving no trace in history) when the run
 * is not awaiting approval or a decision was already taken, so a plan that was approved is never superseded.
 * Accepted again for the same newer run (the sender's activity may be retried).
 */
export const supersedeUpdate = defineUpdate<SupersedeAccepted, [SupersedeRequest]>('supersedePlan');
export const statusQuery = defineQuery<RunStatus>('status');
export const planQuery = defineQuery<PlanPage, [PlanPageRequest?]>('plan');
