/**
 * `reconcileGroups`: snapshot → validate → plan → approval gate → apply (children) → SCIM → audit.
 * Deterministic orchestration only; every side effect is an activity and every large datum a ref.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AuditEventInput, ComputePlanResult, PrepareRunResult, RunContext } from '../activities/types';
import { parseDuration } from '../src/core/duration';
import { FAILURE_TYPES, NON_RETRYABLE_READ_FAILURES } from '../src/core/failure-types';
import type { RunNotification } from '../src/core/notification';
import { addOutcome, sumOutcomes } from '../src/core/outcome-tally';
import { runPageMarkdown } from '../src/core/run-page';
import { applyGroupsBatch, DEFAULT_HEARTBEAT_TIMEOUT_MS } from './apply-batch';
import { auditEvent } from './audit-event';
import { groupsDoneSignal } from './internal-messages';
import {
  approveSignal,
  approveUpdate,
  planQuery,
  rejectSignal,
  rejectUpdate,
  type ApproveSignal,
  type DecisionOrigin,
  type RejectSignal,
  statusQuery,
  supersedeUpdate,
  type SupersedeRequest,
  type RunRef,
  type GroupOutcome,
  type PlanGroupSummary,
  type PlanPage,
  type ReconcileInput,
  type ReconcileResult,
  type RunPhase,
  type RunStatus,
} from './messages';
import { isRunAborted, runAbortedFailure } from './run-aborted';
import {
  AWAITING_APPROVAL_ATTRIBUTE,
  PHASE_ATTRIBUTE,
  PLAN_DIGEST_ATTRIBUTE,
  SCHEDULED_BY_ID_ATTRIBUTE,
} from './search-attributes';

/** Groups per apply-batch child: bounds each child's history (≈ 7 events per group). */
const GROUPS_PER_CHILD = 100;
/** Apply-batch children running at once (each applies `policy.concurrency` groups at a time). */
const PARALLEL_CHILDREN = 2;
/** Plan summaries are loaded in pages so no single payload nears the 256 KB warning. */
const SUMMARY_PAGE = 250;
/** Per-group outcomes kept inline in the result (failed groups always are; ~170 KB at most); the audit log has every one. */
const MAX_OUTCOMES_IN_RESULT = 1_000;
/** Planning heartbeats at least every 200 ms of work: a crashed worker's planning resumes well within a minute. */
const PLANNING_HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * Directory reads with the given heartbeat timeout (ms). Throttling is waited out inside the call, and a crash costs
 * an attempt, so attempts are not capped: the schedule-to-close timeout bounds the reads instead.
 */
function directoryActivities(heartbeatTimeout: number) {
  return proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '30 minutes',
    scheduleToCloseTimeout: '4 hours',
    heartbeatTimeout,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      nonRetryableErrorTypes: NON_RETRYABLE_READ_FAILURES,
    },
  });
}

/** `prepareRun` and `computePlan` heartbeat while they work, so a crash is noticed within the heartbeat timeout. */
const planning = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 minutes',
  scheduleToCloseTimeout: '4 hours',
  heartbeatTimeout: PLANNING_HEARTBEAT_TIMEOUT_MS,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: NON_RETRYABLE_READ_FAILURES,
  },
});

/** Delivering what earlier runs could not tell the IdP: one group's failure never fails the run. */
const outbox = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FAILURE_TYPES.scimMisconfigured],
  },
});

const quick = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/** Webhook notifications: bounded retries (about 7 s of back-off in all); one that still fails never fails the run. */
const notifying = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [FAILURE_TYPES.notifyRejected],
  },
});

// --- run life-cycle (runpage): how a run ends when it throws ------------------------------------------------------
/** Patch: an aborted run fails (`RunAborted`) after its audit entry, instead of completing with status aborted. */
const ABORTED_RUN_FAILS_PATCH = 'gcsync-aborted-run-fails';
/** Patch: a run failing for an unexpected reason sets the `failed` phase and audits `run.finished` (failed). */
const FAILED_RUN_AUDITED_PATCH = 'gcsync-failed-run-audited';
/** Patch: a cancelled run sets the `cancelled` phase and audits `run.finished` (cancelled), beyond cancellation. */
const CANCELLED_RUN_AUDITED_PATCH = 'gcsync-cancelled-run-audited';

/** Set by the run once it can record its own end; called with whatever ended it by throwing. */
interface RunEnding {
  afterError?: (err: unknown) => Promise<void>;
}
// --- end run life-cycle -------------------------------------------------------------------------------------------

/** Reconciles Genesys Cloud group memberships with the rules; see `workflows/messages.ts` for the contract. */
export async function reconcileGroups(input: ReconcileInput): Promise<ReconcileResult> {
  const ending: RunEnding = {};
  try {
    return await reconcile(input, ending);
  } catch (err) {
    // ---- run life-cycle (runpage): the failed or cancelled phase and the run.finished audit entry ----
    await ending.afterError?.(err);
    // ---- notifications: a run that fails (not one cancelled on purpose, nor an aborted one: notified as aborted) says
    // so before it ends ----
    if (err instanceof TemporalFailure && !isCancellation(err) && !isRunAborted(err)) {
      await notifyRun('gcsync-notify-run-failed', { kind: 'run-failed', mode: input.mode, message: causes(err) }).catch(
        (notifyErr: unknown) => {
          // The run's own failure is what ends it; a failing audit of the notification must not replace it.
          if (!(notifyErr instanceof TemporalFailure)) throw notifyErr;
        },
      );
    }
    throw err;
  }
}

async function reconcile(input: ReconcileInput, ending: RunEnding): Promise<ReconcileResult> {
  const info = workflowInfo();
  const ctx: RunContext = { workflowId: info.workflowId, runId: info.runId };
  const now = (): string => new Date().toISOString();

  const status: RunStatus = {
    phase: 'starting',
    mode: input.mode,
    startedAt: now(),
    awaitingApproval: false,
    approvalRequired: false,
    approvalReasons: [],
    refusedApprovals: [],
    progress: { groupsDone: 0, groupsTotal: 0, added: 0, removed: 0, failedGroups: 0 },
  };
  let summaries: PlanGroupSummary[] = [];
  let plan: ComputePlanResult | undefined = undefined;
  let decision:
    | { kind: 'approve'; by: string; comment?: string; origin?: DecisionOrigin }
    | { kind: 'reject'; by: string; reason: string; origin?: DecisionOrigin }
    | undefined;
  const pendingAudit: AuditEventInput[] = [];
  /** Set by the `supersedePlan` Update: a newer run of the schedule replaced the plan awaiting approval. */
  let supersededBy: SupersedeRequest | undefined;
  const outcomes = new Map<string, GroupOutcome>();
  let heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS;
  /** The run page of the Web UI (current details): rebuilt at each phase, as groups are applied, on a refusal. */
  const refreshRunPage = (): void =>
    setCurrentDetails(runPageMarkdown({ workflowId: ctx.workflowId, status, groups: summaries, outcomes }));

  setHandler(statusQuery, () => status);
  setHandler(planQuery, (req) => {
    const pageSize = Math.min(Math.max(req?.pageSize ?? 50, 1), 500);
    const page = Math.max(req?.page ?? 1, 1);
    const result: PlanPage = {
      planId: plan?.planId,
      planDigest: plan?.planDigest,
      // plancli: where the full per-member plan is stored (a query adds no command; histories replay unchanged).
      planRef: plan?.planRef,
      page,
      pageSize,
      totalGroups: summaries.length,
      groups: summaries.slice((page - 1) * pageSize, page * pageSize),
    };
    return result;
  });
  setHandler(approveSignal, (signal) => {
    const named = String(signal?.by ?? '').trim();
    const by = named || 'anonymous';
    if (!status.awaitingApproval || decision || supersededBy) return;
    // An approval must say who approves (the audit trail needs an identity) and which plan (the digest).
    if (!plan || !named || signal?.planDigest !== plan.planDigest) {
      const refused = { by, at: now(), planDigest: String(signal?.planDigest ?? '') };
      status.refusedApprovals.push(refused);
      pendingAudit.push(
        auditEvent(
          ctx,
          'approval.refused',
          `approval-refused/${status.refusedApprovals.length}`,
          {
            actor: by,
            planDigest: refused.planDigest,
            expectedDigest: plan?.planDigest ?? '',
            reason: named ? 'digest-mismatch' : 'missing-approver',
          },
          refused.at,
        ),
      );
      refreshRunPage();
      return;
    }
    decision = { kind: 'approve', by, comment: signal.comment, origin: signal.origin ?? { via: 'signal' } };
  });
  setHandler(rejectSignal, (signal) => {
    if (!status.awaitingApproval || decision || supersededBy) return;
    decision = {
      kind: 'reject',
      by: String(signal?.by ?? '').trim() || 'unknown',
      reason: String(signal?.reason ?? ''),
      origin: signal?.origin ?? { via: 'signal' },
    };
  });
  /** Why a decision would not be taken now, or undefined. */
  const decisionProblem = (by: unknown, digest?: unknown): string | undefined => {
    if (supersededBy) return `the run was superseded by ${supersededBy.by.workflowId}`;
    if (!status.awaitingApproval || decision) return `the run is not awaiting approval (phase: ${status.phase})`;
    if (!String(by ?? '').trim()) return 'a decision must name who makes it (by)';
    if (digest !== undefined && digest !== plan?.planDigest) {
      return `plan digest ${String(digest)} is not the digest of the plan awaiting approval (${plan?.planDigest ?? '?'})`;
    }
    return undefined;
  };
  const refuse = (problem: string | undefined): void => {
    if (problem) throw new Error(problem);
  };
  setHandler(
    approveUpdate,
    (req: ApproveSignal) => {
      const by = req.by.trim();
      decision = { kind: 'approve', by, comment: req.comment, origin: req.origin ?? { via: 'update' } };
      return { decision: 'approved' as const, by, planDigest: req.planDigest };
    },
    { validator: (req: ApproveSignal) => refuse(decisionProblem(req?.by, req?.planDigest ?? '')) },
  );
  setHandler(
    rejectUpdate,
    (req: RejectSignal) => {
      const by = req.by.trim();
      decision = { kind: 'reject', by, reason: String(req.reason ?? ''), origin: req.origin ?? { via: 'update' } };
      return { decision: 'rejected' as const, by, planDigest: plan?.planDigest ?? '' };
    },
    { validator: (req: RejectSignal) => refuse(decisionProblem(req?.by)) },
  );
  // ---- schedules: a newer run of the schedule supersedes the plan awaiting approval (never one already decided) ----
  setHandler(
    supersedeUpdate,
    (req: SupersedeRequest) => {
      supersededBy ??= req;
      return { superseded: { workflowId: ctx.workflowId, runId: ctx.runId }, planDigest: supersededBy.planDigest };
    },
    {
      validator: (req: SupersedeRequest) => {
        if (!req?.by?.workflowId || !req.by.runId || !req.planDigest) {
          throw new Error('supersedePlan must name the newer run (by.workflowId, by.runId) and its planDigest');
        }
        if (supersededBy) {
          // The sender's activity may be retried: the same newer run is answered again.
          if (supersededBy.by.runId === req.by.runId) return;
          throw new Error(`the run was already superseded by ${supersededBy.by.workflowId}`);
        }
        refuse(decisionProblem('supersede'));
      },
    },
  );
  const tally = (outcome: GroupOutcome): void => {
    if (outcomes.has(outcome.groupId)) return;
    outcomes.set(outcome.groupId, outcome);
    addOutcome(status.progress, outcome);
  };
  setHandler(groupsDoneSignal, (batch) => {
    batch.forEach(tally);
    refreshRunPage();
  });

  const setPhase = (phase: RunPhase): void => {
    status.phase = phase;
    refreshRunPage();
    upsertSearchAttributes([
      { key: PHASE_ATTRIBUTE, value: phase },
      { key: AWAITING_APPROVAL_ATTRIBUTE, value: status.awaitingApproval },
      ...(plan ? [{ key: PLAN_DIGEST_ATTRIBUTE, value: plan.planDigest }] : []),
    ]);
  };
  const audit = async (events: AuditEventInput[]): Promise<void> => {
    if (events.length) await quick.recordAudit(events);
  };
  const finish = async (result: ReconcileResult, phase: RunPhase): Promise<ReconcileResult> => {
    status.awaitingApproval = false;
    // What the IdP still lacks when the run ends (including this run's undelivered notifications), if it got as far
    // as reading the outbox.
    if (status.idpOutOfSync !== undefined) {
      status.idpOutOfSync = await outbox.listScimOutbox();
      if (status.idpOutOfSync.length) result.idpOutOfSync = status.idpOutOfSync;
    }
    setPhase(phase);
    // A run that saw the directory and left it as the rules want is the shrink guard's next baseline.
    if (result.status === 'completed' || result.status === 'no-changes') await quick.recordCompletedRun({ ctx });
    upsertMemo({ summary: { status: result.status, planDigest: result.planDigest, totals: result.totals } });
    await audit([auditEvent(ctx, 'run.finished', 'run-finished', { status: result.status, totals: result.totals })]);
    return result;
  };
  /** Ends a scheduled run that leaves the work to an older run of its schedule (`other`). */
  async function endScheduled(outcome: 'skipped' | 'already-pending', other: RunRef): Promise<ReconcileResult> {
    await audit([
      outcome === 'skipped'
        ? auditEvent(ctx, 'run.skipped', outcome, { activeWorkflowId: other.workflowId, activeRunId: other.runId })
        : auditEvent(ctx, 'plan.already-pending', outcome, {
            planDigest: plan?.planDigest ?? '',
            pendingWorkflowId: other.workflowId,
            pendingRunId: other.runId,
          }),
    ]);
    const result = emptyResult(outcome);
    return finish(outcome === 'skipped' ? { ...result, activeRun: other } : { ...result, pendingRun: other }, outcome);
  }
  const emptyResult = (statusName: ReconcileResult['status'], error?: string): ReconcileResult => ({
    status: statusName,
    planId: plan?.planId,
    planDigest: plan?.planDigest,
    totals: { groups: summaries.length, added: 0, removed: 0, failedGroups: 0 },
    groups: [],
    ...(error ? { error } : {}),
  });

  async function abort(reason: string, message: string): Promise<ReconcileResult> {
    status.error = message;
    await audit([auditEvent(ctx, 'run.aborted', 'run-aborted', { reason, message })]);
    await notifyRun('gcsync-notify-aborted', { kind: 'run-aborted', mode: input.mode, message });
    const result = await finish(emptyResult('aborted', message), 'aborted');
    // Failed, not Completed, in the Web UI; the typed client turns the failure back into this result.
    if (patched(ABORTED_RUN_FAILS_PATCH)) throw runAbortedFailure(result);
    return result;
  }

  // --- run life-cycle (runpage): a run that throws ends as failed or cancelled, with its phase and audit entry ---
  ending.afterError = async (err: unknown): Promise<void> => {
    // Aborted runs are audited before they throw; anything but a Temporal failure fails the workflow task, not the
    // run (it is retried), so there is nothing to record yet.
    if (isRunAborted(err) || !(err instanceof TemporalFailure)) return;
    const cancelled = isCancellation(err);
    if (!patched(cancelled ? CANCELLED_RUN_AUDITED_PATCH : FAILED_RUN_AUDITED_PATCH)) return;
    const totals = {
      groups: summaries.length,
      added: status.progress.added,
      removed: status.progress.removed,
      failedGroups: status.progress.failedGroups,
    };
    if (!cancelled) status.error = failureText(err);
    // A cancelled run's scope is cancelled: without this, the audit activity would be cancelled before it ran.
    await CancellationScope.nonCancellable(async () => {
      status.awaitingApproval = false;
      setPhase(cancelled ? 'cancelled' : 'failed');
      const fields = cancelled ? { status: 'cancelled', totals } : { status: 'failed', totals, error: status.error };
      await audit([auditEvent(ctx, 'run.finished', 'run-finished', fields)]).catch((auditErr: unknown) =>
        log.error('could not audit the end of the run', { error: failureText(auditErr) }),
      );
    });
  };
  // --- end run life-cycle ----------------------------------------------------------------------------------------

  /** Validate (rules, unknown groups, nesting cycles), snapshot, plan. */
  async function readAndPlan(): Promise<PrepareRunResult> {
    const heartbeat = heartbeatTimeoutOverride(input.overrides?.activityHeartbeatTimeout);
    if (typeof heartbeat === 'string') return { ok: false, kind: 'invalid-rules', message: `overrides: ${heartbeat}` };
    heartbeatTimeoutMs = heartbeat;
    // ── gcsync revert ── (patched: histories recorded before reverts existed never carry `revertOf`)
    if (input.revertOf && patched('gcsync-revert-of-run')) return planRevert();
    // ── end gcsync revert ──
    const ready = await planning.prepareRun({ ctx, input });
    if (!ready.ok) return ready;
    // Notifications an earlier run could not deliver go first, even when Genesys has nothing to change this time
    // (a dry run only looks).
    status.idpOutOfSync =
      input.mode === 'apply' ? (await outbox.deliverScimOutbox({ ctx })).pending : await outbox.listScimOutbox();
    const reads = directoryActivities(heartbeatTimeoutMs);
    setPhase('snapshot');
    const users = await reads.snapshotUsers({ ctx, expand: ready.expand });
    const groups = await reads.readGroups({ ctx, targetsRef: ready.targetsRef });

    setPhase('planning');
    const computed = await planning.computePlan({
      ctx,
      rulesRef: ready.rulesRef,
      usersRef: users.usersRef,
      groupsRef: groups.groupsRef,
      targetsRef: ready.targetsRef,
      policy: ready.policy,
      expand: ready.expand,
    });
    await adoptPlan(computed, ready.targetCount, {
      activeUsers: computed.activeUsers,
      usersInSnapshot: users.count,
      usersConfirmedById: computed.confirmedById,
    });
    return ready;
  }

  /** Makes `computed` the run's plan: its summaries (in pages), the status fields, and the `plan.created` entry. */
  async function adoptPlan(
    computed: ComputePlanResult,
    targetCount: number,
    auditFields: Record<string, unknown>,
  ): Promise<void> {
    plan = computed;
    for (let offset = 0; offset < targetCount; offset += SUMMARY_PAGE) {
      summaries = summaries.concat(
        await quick.loadPlanSummaries({ summariesRef: computed.summariesRef, offset, limit: SUMMARY_PAGE }),
      );
    }
    Object.assign(status, {
      planId: computed.planId,
      planDigest: computed.planDigest,
      totals: computed.totals,
      approvalRequired: computed.approvalRequired,
      approvalReasons: computed.approvalReasons,
      warnings: computed.warnings,
      failsafesTripped: computed.failsafesTripped,
    });
    await audit([
      auditEvent(ctx, 'plan.created', 'plan-created', {
        planId: computed.planId,
        planDigest: computed.planDigest,
        totals: computed.totals,
        approvalRequired: computed.approvalRequired,
        approvalReasons: computed.approvalReasons,
        failsafesTripped: computed.failsafesTripped,
        warnings: computed.warnings,
        ...auditFields,
      }),
    ]);
  }

  // ── gcsync revert ──
  /**
   * `readAndPlan` of a revert: `computeRevertPlan` gives what `prepareRun` + `computePlan` give a rules run (same
   * stored plan, digest, gate decision), so the gate and the apply below are the same for both. Nothing is written
   * (not even the SCIM outbox) before the revert is known to be possible.
   */
  async function planRevert(): Promise<PrepareRunResult> {
    setPhase('planning');
    const reverting = await planning.computeRevertPlan({ ctx, input });
    if (!reverting.ok) return reverting;
    status.revertOf = reverting.revertOf;
    status.idpOutOfSync =
      input.mode === 'apply' ? (await outbox.deliverScimOutbox({ ctx })).pending : await outbox.listScimOutbox();
    await adoptPlan(reverting.plan, reverting.prepared.targetCount, { revertOf: reverting.revertOf });
    return reverting.prepared;
  }
  // ── end gcsync revert ──

  setPhase('starting');
  await audit([
    auditEvent(
      ctx,
      'run.started',
      'run-started',
      {
        actor: input.requestedBy ?? 'unknown',
        mode: input.mode,
        targetGroups: input.targetGroups ?? [],
        ...(input.revertOf ? { revertOf: input.revertOf } : {}),
      },
      status.startedAt,
    ),
  ]);

  // ---- schedules: a scheduled run stops at once while an older run of its schedule is still at work ----
  const scheduleId = scheduledById();
  const startedAt = info.runStartTime.toISOString();
  if (scheduleId && patched('gcsync-schedule-skip-active-run')) {
    const atStart = await quick.checkScheduledOverlap({ ctx, scheduleId, startedAt });
    if (atStart.kind === 'skip') return endScheduled('skipped', atStart.activeRun);
  }

  // Everything up to the plan only reads. A failure there (refused credentials, Genesys down beyond retries)
  // ends the run as aborted with a precise message and an audit entry, with nothing written.
  let prepared: Extract<PrepareRunResult, { ok: true }>;
  try {
    const outcome = await readAndPlan();
    if (!outcome.ok) return abort(outcome.kind, outcome.message);
    prepared = outcome;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // A cancelled run is not an aborted one (runpage: audited as cancelled by the run's ending).
    if (isCancellation(err) && patched(CANCELLED_RUN_AUDITED_PATCH)) throw err;
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    return abort(cause?.type ?? 'activity-failed', cause?.message ?? err.message);
  }
  const currentPlan = plan!;

  // ---- schedules: a newer plan supersedes the older runs awaiting approval; the same plan is not asked for twice ----
  if (scheduleId && input.mode === 'apply' && patched('gcsync-schedule-supersede-pending')) {
    const overlap = await quick.resolveScheduledOverlap({
      ctx,
      scheduleId,
      startedAt,
      planDigest: currentPlan.planDigest,
    });
    if (overlap.kind === 'skip') return endScheduled('skipped', overlap.activeRun);
    if (overlap.kind === 'already-pending') return endScheduled('already-pending', overlap.pendingRun);
  }

  if (currentPlan.totals.adds + currentPlan.totals.removes === 0)
    return finish(emptyResult('no-changes'), 'no-changes');
  if (input.mode === 'plan') {
    await notifyRun('gcsync-notify-drift', { kind: 'drift-detected', ...planFacts(currentPlan, input.mode) });
    return finish(emptyResult('planned'), 'planned');
  }

  // Gate: wait for a matching approval, a rejection, or the deadline.
  let approvalRef = 'policy:no-approval-required';
  if (currentPlan.approvalRequired) {
    status.awaitingApproval = true;
    const deadline = Date.now() + prepared.policy.approvalTimeoutMs;
    status.approvalDeadline = new Date(deadline).toISOString();
    setPhase('awaiting-approval');
    log.info('awaiting approval', { planDigest: currentPlan.planDigest, reasons: currentPlan.approvalReasons });
    // The alert goes out while the run already waits: an approval may arrive before the webhook answers.
    const notified = notifyRun('gcsync-notify-approval-needed', {
      kind: 'approval-needed',
      ...planFacts(currentPlan, input.mode),
      approvalDeadline: status.approvalDeadline,
    });
    while (!decision && !supersededBy) {
      const remaining = deadline - Date.now();
      const woke =
        remaining > 0 &&
        (await condition(
          () => decision !== undefined || supersededBy !== undefined || pendingAudit.length > 0,
          remaining,
        ));
      await audit(pendingAudit.splice(0));
      if (!woke && !decision && !supersededBy) break;
    }
    await audit(pendingAudit.splice(0));
    await notified;
    status.awaitingApproval = false;
    if (supersededBy) {
      await audit([
        auditEvent(ctx, 'run.superseded', 'run-superseded', {
          planDigest: currentPlan.planDigest,
          supersededByWorkflowId: supersededBy.by.workflowId,
          supersededByRunId: supersededBy.by.runId,
          newerPlanDigest: supersededBy.planDigest,
        }),
      ]);
      return finish({ ...emptyResult('superseded'), supersededBy: supersededBy.by }, 'superseded');
    }
    if (!decision) {
      await audit([
        auditEvent(ctx, 'approval.expired', 'approval-expired', {
          planDigest: currentPlan.planDigest,
          deadline: status.approvalDeadline,
        }),
      ]);
      return finish(emptyResult('expired'), 'expired');
    }
    if (decision.kind === 'reject') {
      status.rejection = { by: decision.by, at: now(), reason: decision.reason };
      await audit([
        auditEvent(
          ctx,
          'approval.rejected',
          'approval-rejected',
          {
            actor: decision.by,
            planDigest: currentPlan.planDigest,
            reason: decision.reason,
            ...originFields(decision.origin),
          },
          status.rejection.at,
        ),
      ]);
      return finish(emptyResult('rejected'), 'rejected');
    }
    status.approval = { by: decision.by, at: now(), comment: decision.comment };
    approvalRef = `approval:${decision.by}@${status.approval.at}:${currentPlan.planDigest}`;
    await audit([
      auditEvent(
        ctx,
        'approval.granted',
        'approval-granted',
        {
          actor: decision.by,
          planDigest: currentPlan.planDigest,
          comment: decision.comment ?? '',
          ...originFields(decision.origin),
        },
        status.approval.at,
      ),
    ]);
  }

  // Apply: changed groups only, in children of GROUPS_PER_CHILD that load their own slice of the changed list, a
  // few children at a time (concurrency lives inside each child too).
  setPhase('applying');
  status.progress.groupsTotal = currentPlan.changedCount;
  const offsets: number[] = [];
  for (let offset = 0; offset < currentPlan.changedCount; offset += GROUPS_PER_CHILD) offsets.push(offset);
  const childResults: GroupOutcome[][] = [];
  const runChild = async (offset: number): Promise<void> => {
    childResults[offset / GROUPS_PER_CHILD] = await executeChild(applyGroupsBatch, {
      workflowId: `${ctx.workflowId}/apply-${offset / GROUPS_PER_CHILD + 1}`,
      args: [
        {
          ctx,
          parentWorkflowId: ctx.workflowId,
          changedRef: currentPlan.changedRef,
          offset,
          limit: GROUPS_PER_CHILD,
          approvalRef,
          concurrency: prepared.policy.concurrency,
          heartbeatTimeoutMs,
        },
      ],
    });
  };
  const pendingOffsets = [...offsets];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_CHILDREN, offsets.length) }, async () => {
      for (let next = pendingOffsets.shift(); next !== undefined; next = pendingOffsets.shift()) await runChild(next);
    }),
  );
  // Signals may lag the child's completion; the child's result is authoritative.
  const groupsOut = childResults.flat();
  groupsOut.forEach(tally);
  const failedOut = groupsOut.filter((g) => g.failed);
  const shown = [...failedOut, ...groupsOut.filter((g) => !g.failed)].slice(
    0,
    Math.max(MAX_OUTCOMES_IN_RESULT, failedOut.length),
  );
  const sums = sumOutcomes(groupsOut);
  const result: ReconcileResult = {
    status: 'completed',
    planId: currentPlan.planId,
    planDigest: currentPlan.planDigest,
    totals: { groups: summaries.length, added: sums.added, removed: sums.removed, failedGroups: sums.failedGroups },
    groups: shown.length === groupsOut.length ? groupsOut : shown,
    ...(shown.length < groupsOut.length ? { groupsOmitted: groupsOut.length - shown.length } : {}),
  };
  if (failedOut.length > 0) {
    await notifyRun('gcsync-notify-failed-groups', {
      kind: 'run-failed',
      mode: input.mode,
      planDigest: currentPlan.planDigest,
      failedGroups: failedOut.length,
      message: `${failedOut.length} of ${groupsOut.length} changed groups failed`,
    });
  }
  return finish(result, 'completed');
}

/** What a notification says about a plan. */
function planFacts(plan: ComputePlanResult, mode: string): Omit<RunNotification, 'kind' | 'workflowId' | 'runId'> {
  return {
    mode,
    planDigest: plan.planDigest,
    totals: plan.totals,
    ...(plan.approvalReasons.length ? { reasons: plan.approvalReasons } : {}),
  };
}

/**
 * Sends a notification through the worker's webhook (`notifyRun`; off when the worker has none) when the run's code
 * has `patchId` (runs recorded before notifications existed replay without it). A notification that still fails
 * after its retries is audited as `notify.failed` and never fails the run.
 */
async function notifyRun(patchId: string, facts: Omit<RunNotification, 'workflowId' | 'runId'>): Promise<void> {
  if (!patched(patchId)) return;
  const { workflowId, runId } = workflowInfo();
  try {
    await notifying.notifyRun({ ...facts, workflowId, runId });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    await quick.recordAudit([
      auditEvent({ workflowId, runId }, 'notify.failed', `notify-failed/${facts.kind}`, {
        kind: facts.kind,
        error: cause?.message ?? err.message,
      }),
    ]);
  }
}

/** A failure's message and those of its causes (`Child Workflow execution failed: Activity task failed: …`). */
function causes(err: Error): string {
  const messages: string[] = [];
  for (let e: unknown = err; e instanceof Error && messages.length < 5; e = e.cause) messages.push(e.message);
  return messages.join(': ');
}

/** The schedule that started this run (`TemporalScheduledById`), if a schedule did. */
function scheduledById(): string | undefined {
  const info = workflowInfo();
  const typed = info.typedSearchAttributes.get(SCHEDULED_BY_ID_ATTRIBUTE);
  if (typeof typed === 'string' && typed) return typed;
  // Older servers send the attribute without its type metadata: read the untyped map then.
  const raw = (info.searchAttributes as Record<string, unknown> | undefined)?.[SCHEDULED_BY_ID_ATTRIBUTE.name];
  return Array.isArray(raw) && typeof raw[0] === 'string' && raw[0] ? raw[0] : undefined;
}

/** The innermost message of a failure (Temporal wraps activity and child failures). */
function failureText(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  for (let cur: unknown = err, depth = 0; cur instanceof Error && depth < 10; cur = cur.cause, depth++) {
    if (cur.message) message = cur.message;
  }
  return message;
}

/** Audit fields saying how a decision arrived (plain strings only). */
function originFields(origin: DecisionOrigin | undefined): Record<string, string> {
  if (!origin) return {};
  return {
    via: String(origin.via),
    ...(origin.osUser ? { osUser: String(origin.osUser) } : {}),
    ...(origin.caller ? { caller: String(origin.caller) } : {}),
  };
}

/** The run's heartbeat timeout in ms, or why the override is refused. */
function heartbeatTimeoutOverride(text: string | undefined): number | string {
  if (text === undefined) return DEFAULT_HEARTBEAT_TIMEOUT_MS;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    return `activityHeartbeatTimeout: ${(err as Error).message}`;
  }
  if (ms < 1_000 || ms > 300_000) return `activityHeartbeatTimeout: ${text} is not between 1s and 5m`;
  return ms;
}
