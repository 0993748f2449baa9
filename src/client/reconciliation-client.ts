/**
 * Typed client of the `reconcileGroups` workflow: start a run, read its status and plan, approve or reject it,
 * wait for its result, and find runs. Used by the CLI, the HTTP service and other services (exported from the
 * package). Every function takes a connected {@link Client} (see `connectClient` in `src/config/temporal-config`).
 */
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionStatusName,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  approveUpdate,
  DEFAULT_TASK_QUEUE,
  planQuery,
  RECONCILE_WORKFLOW_TYPE,
  rejectUpdate,
  statusQuery,
  type ApproveSignal,
  type DecisionAccepted,
  type PlanGroupSummary,
  type PlanPage,
  type PlanPageRequest,
  type ReconcileInput,
  type ReconcileResult,
  type RejectSignal,
  type RunPhase,
  type RunStatus,
} from '../../workflows/messages';
import { abortedResultOf } from '../../workflows/run-aborted';
import { AWAITING_APPROVAL_ATTRIBUTE, PHASE_ATTRIBUTE, PLAN_DIGEST_ATTRIBUTE } from '../../workflows/search-attributes';
import { runStaticSummary } from '../core/run-summary';
import { failureMessage } from './failure-message';
import { newWorkflowId } from './workflow-id';

/** Signature of the workflow, so starts and results are typed without importing the workflow code. */
export type ReconcileGroupsWorkflow = (input: ReconcileInput) => Promise<ReconcileResult>;

/** Options of {@link startReconciliation}. */
export interface StartOptions {
  /** @default `gcsync-<mode>-<timestamp>-<random>` */
  workflowId?: string;
  /** @default `gcsync` */
  taskQueue?: string;
}

/** Identifies a started run. */
export interface StartedRun {
  workflowId: string;
  runId: string;
}

/**
 * Starts a reconciliation run and returns without waiting for it. Without `rules` or `rulesRef` in the input, the
 * worker runs the rules of its own `GCSYNC_RULES_FILE` (and aborts the run if it has none).
 *
 * @throws `Error` when the namespace lacks the gcsync search attributes (the message says how to register them);
 * Temporal's `WorkflowExecutionAlreadyStartedError` when `workflowId` is already running.
 */
export async function startReconciliation(
  client: Client,
  input: ReconcileInput,
  opts: StartOptions = {},
): Promise<StartedRun> {
  if (input.mode !== 'plan' && input.mode !== 'apply') throw new Error(`mode must be plan or apply, not ${input.mode}`);
  const workflowId = opts.workflowId ?? newWorkflowId(input.mode);
  try {
    const handle = await client.workflow.start<ReconcileGroupsWorkflow>(RECONCILE_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
      args: [input],
      // What the Web UI's list shows for the run before anyone opens it (mode, targets, who asked).
      staticSummary: runStaticSummary(input),
      // Set at start so a run is listable by phase before the workflow's first upsert.
      typedSearchAttributes: [
        { key: PHASE_ATTRIBUTE, value: 'starting' },
        { key: AWAITING_APPROVAL_ATTRIBUTE, value: false },
      ],
    });
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    // The server says e.g. "Namespace x has no mapping defined for search attribute GcsyncPhase".
    const reason = failureMessage(err);
    if (/search attribute Gcsync/i.test(reason)) {
      throw new Error(
        `${reason}: start the worker once (it registers the gcsync search attributes) or create GcsyncPhase, ` +
          'GcsyncAwaitingApproval and GcsyncPlanDigest with `temporal operator search-attribute create`',
        { cause: err },
      );
    }
    throw err;
  }
}

/** Options of a query. */
export interface QueryOptions {
  /** Give up when no worker has answered within this time (queries are answered by a worker, not the server). */
  timeoutMs?: number;
}

/** Answer of the `status` query of a run. */
export async function getStatus(client: Client, workflowId: string, opts: QueryOptions = {}): Promise<RunStatus> {
  return withTimeout(client, opts.timeoutMs, () => handleOf(client, workflowId).query(statusQuery));
}

/**
 * One page of the run's plan (group summaries, and `planRef`: where every member line is stored), from the `plan`
 * query.
 */
export async function getPlan(
  client: Client,
  workflowId: string,
  request: PlanPageRequest = {},
  opts: QueryOptions = {},
): Promise<PlanPage> {
  return withTimeout(client, opts.timeoutMs, () => handleOf(client, workflowId).query(planQuery, request));
}

/** Every group summary of the run's plan, reading page after page. */
export async function getFullPlan(
  client: Client,
  workflowId: string,
  pageSize = 500,
): Promise<{ planId?: string; planDigest?: string; groups: PlanGroupSummary[] }> {
  const groups: PlanGroupSummary[] = [];
  let first: PlanPage | undefined;
  for (let page = 1; ; page++) {
    const answer = await getPlan(client, workflowId, { page, pageSize });
    first ??= answer;
    groups.push(...answer.groups);
    if (answer.groups.length === 0 || groups.length >= answer.totalGroups) break;
  }
  return { planId: first.planId, planDigest: first.planDigest, groups };
}

/** A decision the run refused (not awaiting approval, another digest, nobody named), with the run's reason. */
export class DecisionRefusedError extends Error {
  override readonly name = 'DecisionRefusedError';
}

/**
 * Approves the plan the run waits on, through the `approvePlan` Update: the run validates the decision and answers at
 * once, so there is no window between reading the status and deciding.
 *
 * @throws {DecisionRefusedError} with the run's reason when it refuses (not awaiting approval, digest mismatch, no
 * `by`).
 */
export async function approve(client: Client, workflowId: string, request: ApproveSignal): Promise<DecisionAccepted> {
  const handle = handleOf(client, workflowId);
  return decide(handle, () => handle.executeUpdate(approveUpdate, { args: [request] }));
}

/** Rejects the plan the run waits on, through the `rejectPlan` Update; refusals as for {@link approve}. */
export async function reject(client: Client, workflowId: string, request: RejectSignal): Promise<DecisionAccepted> {
  const handle = handleOf(client, workflowId);
  return decide(handle, () => handle.executeUpdate(rejectUpdate, { args: [request] }));
}

async function decide(handle: WorkflowHandle, send: () => Promise<DecisionAccepted>): Promise<DecisionAccepted> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      throw new DecisionRefusedError(cause);
    }
    // An Update to a run that has ended fails at the server; say it the way the run itself would.
    const ended = await handle.describe().then(
      (d) => (d.status.name === 'RUNNING' ? undefined : d.status.name),
      () => undefined,
    );
    if (ended) throw new DecisionRefusedError(`the run is not awaiting approval (it has ended: ${ended})`);
    throw err;
  }
}

/**
 * Waits for the run to close and returns its result.
 *
 * @throws `Error` with the innermost failure reason when the run failed, was terminated, cancelled or timed out.
 */
export async function waitForResult(client: Client, workflowId: string): Promise<ReconcileResult> {
  try {
    return await resultOf(handleOf(client, workflowId));
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      throw new Error(`run ${workflowId} failed: ${failureMessage(err)}`, { cause: err });
    }
    throw err;
  }
}

/** A run as seen by visibility (search attributes can lag the workflow by a second or so). */
export interface RunSummary {
  workflowId: string;
  runId: string;
  executionStatus: WorkflowExecutionStatusName;
  phase?: RunPhase;
  awaitingApproval?: boolean;
  planDigest?: string;
  startTime: string;
  closeTime?: string;
}

/** Filter of {@link listRuns}. */
export interface ListRunsOptions {
  /** `true`: only runs waiting for approval; `false`: only runs not waiting; unset: all. */
  awaitingApproval?: boolean;
  /** @default 20 */
  limit?: number;
}

/** Visibility query behind {@link listRuns}. */
export function listRunsQuery(opts: Pick<ListRunsOptions, 'awaitingApproval'> = {}): string {
  const clauses = [`WorkflowType = '${RECONCILE_WORKFLOW_TYPE}'`];
  if (opts.awaitingApproval !== undefined) {
    clauses.push(`${AWAITING_APPROVAL_ATTRIBUTE.name} = ${opts.awaitingApproval}`);
  }
  return clauses.join(' AND ');
}

/** Recent runs, newest first, from the visibility store. */
export async function listRuns(client: Client, opts: ListRunsOptions = {}): Promise<RunSummary[]> {
  const limit = opts.limit ?? 20;
  const runs: RunSummary[] = [];
  for await (const info of client.workflow.list({ query: listRunsQuery(opts), pageSize: limit })) {
    const attrs = info.typedSearchAttributes;
    runs.push({
      workflowId: info.workflowId,
      runId: info.runId,
      executionStatus: info.status.name,
      phase: attrs.get(PHASE_ATTRIBUTE) as RunPhase | undefined,
      awaitingApproval: attrs.get(AWAITING_APPROVAL_ATTRIBUTE),
      planDigest: attrs.get(PLAN_DIGEST_ATTRIBUTE),
      startTime: info.startTime.toISOString(),
      closeTime: info.closeTime?.toISOString(),
    });
    if (runs.length >= limit) break;
  }
  return runs;
}

/** Everything known about a run: its execution state, its `status` query answer, and its result once closed. */
export interface RunDescription {
  workflowId: string;
  runId: string;
  executionStatus: WorkflowExecutionStatusName;
  startTime: string;
  closeTime?: string;
  /** Answer of the `status` query; absent when no worker answered in time. */
  status?: RunStatus;
  /** Why {@link status} is absent. */
  statusError?: string;
  /** Result, when the run completed. */
  result?: ReconcileResult;
  /** Innermost failure reason, when the run failed, was terminated, cancelled or timed out. */
  failure?: string;
}

/** Options of {@link describeRun}. */
export interface DescribeRunOptions {
  /**
   * How long to wait for a worker to answer the `status` query (a closed run is replayed by a worker to answer).
   * @default 5000
   */
  queryTimeoutMs?: number;
}

/**
 * Describes a run for `gcsync status` and `GET /api/reconciliations/:id`.
 *
 * @throws Temporal's `WorkflowNotFoundError` when no such workflow exists, or when it is not a `reconcileGroups` run
 * (other workflows of the namespace are not exposed).
 */
export async function describeRun(
  client: Client,
  workflowId: string,
  opts: DescribeRunOptions = {},
): Promise<RunDescription> {
  const handle = handleOf(client, workflowId);
  const info = await handle.describe();
  if (info.type !== RECONCILE_WORKFLOW_TYPE) {
    throw new WorkflowNotFoundError(`no ${RECONCILE_WORKFLOW_TYPE} run with id ${workflowId}`, workflowId, undefined);
  }
  const run: RunDescription = {
    workflowId,
    runId: info.runId,
    executionStatus: info.status.name,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
  };
  try {
    run.status = await getStatus(client, workflowId, { timeoutMs: opts.queryTimeoutMs ?? 5000 });
  } catch (err) {
    run.statusError = failureMessage(err);
  }
  if (info.status.name !== 'RUNNING') {
    try {
      run.result = await resultOf(handle);
    } catch (err) {
      run.failure = failureMessage(err);
    }
  }
  return run;
}

/**
 * The run's result once it closes. An aborted run ends as a failed workflow (so the Web UI does not show it as
 * completed) carrying its result: that result, `status: 'aborted'` with the precise `error`, is returned as for any
 * other ending.
 *
 * @throws what `handle.result()` throws for every other failure, cancellation, termination or timeout.
 */
export async function resultOf(handle: WorkflowHandle): Promise<ReconcileResult> {
  try {
    return (await handle.result()) as ReconcileResult;
  } catch (err) {
    const aborted = err instanceof WorkflowFailedError ? abortedResultOf(err.cause) : undefined;
    if (aborted) return aborted;
    throw err;
  }
}

function withTimeout<T>(client: Client, timeoutMs: number | undefined, fn: () => Promise<T>): Promise<T> {
  return timeoutMs === undefined ? fn() : client.connection.withDeadline(Date.now() + timeoutMs, fn);
}

function handleOf(client: Client, workflowId: string): WorkflowHandle<ReconcileGroupsWorkflow> {
  return client.workflow.getHandle<ReconcileGroupsWorkflow>(workflowId);
}
