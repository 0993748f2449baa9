/**
 * `reconcileGroups`: snapshot → validate → plan → approval gate → apply (children) → SCIM → audit.
 * Deterministic orchestration only; every side effect is an activity and every large datum a ref.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  executeChild,
  log,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AuditEventInput, ComputePlanResult, PrepareRunResult, RunContext } from '../activities/types';
import { parseDuration } from '../src/core/duration';
import { NON_RETRYABLE_READ_FAILURES } from '../src/core/failure-types';
import { applyGroupsBatch, DEFAULT_HEARTBEAT_TIMEOUT_MS } from './apply-batch';
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
  type GroupOutcome,
  type PlanGroupSummary,
  type PlanPage,
  type ReconcileInput,
  type ReconcileResult,
  type RunPhase,
  type RunStatus,
} from './messages';
import { AWAITING_APPROVAL_ATTRIBUTE, PHASE_ATTRIBUTE, PLAN_DIGEST_ATTRIBUTE } from './search-attributes';

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
    nonRetryableErrorTypes: ['ScimMisconfigured'],
  },
});

const quick = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/** Reconciles Genesys Cloud group memberships with the rules; see `workflows/messages.ts` for the contract. */
export async function reconcileGroups(input: ReconcileInput): Promise<ReconcileResult> {
  const info = workflowInfo();
  const ctx: RunContext = { workflowId: info.workflowId, runId: info.runId };
  const base = { workflowId: ctx.workflowId, runId: ctx.runId };
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
  const outcomes = new Map<string, GroupOutcome>();
  let heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS;

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
    if (!status.awaitingApproval || decision) return;
    // An approval must say who approves (the audit trail needs an identity) and which plan (the digest).
    if (!plan || !named || signal?.planDigest !== plan.planDigest) {
      const refused = { by, at: now(), planDigest: String(signal?.planDigest ?? '') };
      status.refusedApprovals.push(refused);
      pendingAudit.push({
        ...base,
        type: 'approval.refused',
        id: `${ctx.workflowId}/${ctx.runId}/approval-refused/${status.refusedApprovals.length}`,
        at: refused.at,
        actor: by,
        planDigest: refused.planDigest,
        expectedDigest: plan?.planDigest ?? '',
        reason: named ? 'digest-mismatch' : 'missing-approver',
      });
      return;
    }
    decision = { kind: 'approve', by, comment: signal.comment, origin: signal.origin ?? { via: 'signal' } };
  });
  setHandler(rejectSignal, (signal) => {
    if (!status.awaitingApproval || decision) return;
    decision = {
      kind: 'reject',
      by: String(signal?.by ?? '').trim() || 'unknown',
      reason: String(signal?.reason ?? ''),
      origin: signal?.origin ?? { via: 'signal' },
    };
  });
  /** Why a decision would not be taken now, or undefined. */
  const decisionProblem = (by: unknown, digest?: unknown): string | undefined => {
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
  const tally = (outcome: GroupOutcome): void => {
    if (outcomes.has(outcome.groupId)) return;
    outcomes.set(outcome.groupId, outcome);
    status.progress.groupsDone += 1;
    status.progress.added += outcome.added;
    status.progress.removed += outcome.removed;
    if (outcome.failed) status.progress.failedGroups += 1;
  };
  setHandler(groupsDoneSignal, (batch) => batch.forEach(tally));

  const setPhase = (phase: RunPhase): void => {
    status.phase = phase;
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
    await audit([
      {
        ...base,
        type: 'run.finished',
        id: `${ctx.workflowId}/${ctx.runId}/run-finished`,
        at: now(),
        status: result.status,
        totals: result.totals,
      },
    ]);
    return result;
  };
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
    await audit([
      { ...base, type: 'run.aborted', id: `${ctx.workflowId}/${ctx.runId}/run-aborted`, at: now(), reason, message },
    ]);
    return finish(emptyResult('aborted', message), 'aborted');
  }

  /** Validate (rules, unknown groups, nesting cycles), snapshot, plan. */
  async function readAndPlan(): Promise<PrepareRunResult> {
    const heartbeat = heartbeatTimeoutOverride(input.overrides?.activityHeartbeatTimeout);
    if (typeof heartbeat === 'string') return { ok: false, kind: 'invalid-rules', message: `overrides: ${heartbeat}` };
    heartbeatTimeoutMs = heartbeat;
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
    plan = computed;
    for (let offset = 0; offset < ready.targetCount; offset += SUMMARY_PAGE) {
      summaries = summaries.concat(
        await quick.loadPlanSummaries({ summariesRef: computed.summariesRef, offset, limit: SUMMARY_PAGE }),
      );
    }
    status.planId = computed.planId;
    status.planDigest = computed.planDigest;
    status.totals = computed.totals;
    status.approvalRequired = computed.approvalRequired;
    status.approvalReasons = computed.approvalReasons;
    status.warnings = computed.warnings;
    status.failsafesTripped = computed.failsafesTripped;
    await audit([
      {
        ...base,
        type: 'plan.created',
        id: `${ctx.workflowId}/${ctx.runId}/plan-created`,
        at: now(),
        planId: computed.planId,
        planDigest: computed.planDigest,
        totals: computed.totals,
        approvalRequired: computed.approvalRequired,
        approvalReasons: computed.approvalReasons,
        failsafesTripped: computed.failsafesTripped,
        warnings: computed.warnings,
        activeUsers: computed.activeUsers,
        usersInSnapshot: users.count,
        usersConfirmedById: computed.confirmedById,
      },
    ]);
    return ready;
  }

  setPhase('starting');
  await audit([
    {
      ...base,
      type: 'run.started',
      id: `${ctx.workflowId}/${ctx.runId}/run-started`,
      at: status.startedAt,
      actor: input.requestedBy ?? 'unknown',
      mode: input.mode,
      targetGroups: input.targetGroups ?? [],
    },
  ]);

  // Everything up to the plan only reads. A failure there (refused credentials, Genesys down beyond retries)
  // ends the run as aborted with a precise message and an audit entry, with nothing written.
  let prepared: Extract<PrepareRunResult, { ok: true }>;
  try {
    const outcome = await readAndPlan();
    if (!outcome.ok) return abort(outcome.kind, outcome.message);
    prepared = outcome;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    return abort(cause?.type ?? 'activity-failed', cause?.message ?? err.message);
  }
  const currentPlan = plan!;

  if (currentPlan.totals.adds + currentPlan.totals.removes === 0)
    return finish(emptyResult('no-changes'), 'no-changes');
  if (input.mode === 'plan') return finish(emptyResult('planned'), 'planned');

  // Gate: wait for a matching approval, a rejection, or the deadline.
  let approvalRef = 'policy:no-approval-required';
  if (currentPlan.approvalRequired) {
    status.awaitingApproval = true;
    const deadline = Date.now() + prepared.policy.approvalTimeoutMs;
    status.approvalDeadline = new Date(deadline).toISOString();
    setPhase('awaiting-approval');
    log.info('awaiting approval', { planDigest: currentPlan.planDigest, reasons: currentPlan.approvalReasons });
    while (!decision) {
      const remaining = deadline - Date.now();
      const woke =
        remaining > 0 && (await condition(() => decision !== undefined || pendingAudit.length > 0, remaining));
      await audit(pendingAudit.splice(0));
      if (!woke && !decision) break;
    }
    await audit(pendingAudit.splice(0));
    status.awaitingApproval = false;
    if (!decision) {
      await audit([
        {
          ...base,
          type: 'approval.expired',
          id: `${ctx.workflowId}/${ctx.runId}/approval-expired`,
          at: now(),
          planDigest: currentPlan.planDigest,
          deadline: status.approvalDeadline,
        },
      ]);
      return finish(emptyResult('expired'), 'expired');
    }
    if (decision.kind === 'reject') {
      status.rejection = { by: decision.by, at: now(), reason: decision.reason };
      await audit([
        {
          ...base,
          type: 'approval.rejected',
          id: `${ctx.workflowId}/${ctx.runId}/approval-rejected`,
          at: status.rejection.at,
          actor: decision.by,
          planDigest: currentPlan.planDigest,
          reason: decision.reason,
          ...originFields(decision.origin),
        },
      ]);
      return finish(emptyResult('rejected'), 'rejected');
    }
    status.approval = { by: decision.by, at: now(), comment: decision.comment };
    approvalRef = `approval:${decision.by}@${status.approval.at}:${currentPlan.planDigest}`;
    await audit([
      {
        ...base,
        type: 'approval.granted',
        id: `${ctx.workflowId}/${ctx.runId}/approval-granted`,
        at: status.approval.at,
        actor: decision.by,
        planDigest: currentPlan.planDigest,
        comment: decision.comment ?? '',
        ...originFields(decision.origin),
      },
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
  const result: ReconcileResult = {
    status: 'completed',
    planId: currentPlan.planId,
    planDigest: currentPlan.planDigest,
    totals: {
      groups: summaries.length,
      added: groupsOut.reduce((n, g) => n + g.added, 0),
      removed: groupsOut.reduce((n, g) => n + g.removed, 0),
      failedGroups: failedOut.length,
    },
    groups: shown.length === groupsOut.length ? groupsOut : shown,
    ...(shown.length < groupsOut.length ? { groupsOmitted: groupsOut.length - shown.length } : {}),
  };
  return finish(result, 'completed');
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
