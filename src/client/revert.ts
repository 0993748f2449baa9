/** Typed client for reverting a run: `gcsync revert`, `POST /api/reconciliations/:id/revert`, other services. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  RECONCILE_WORKFLOW_TYPE,
  type ReconcileOverrides,
  type RevertTarget,
  type RunMode,
} from '../../workflows/messages';
import { startReconciliation, type StartedRun, type StartOptions } from './reconciliation-client';
import { newWorkflowId } from './workflow-id';

/** The workflow id names a workflow of the namespace that is not a `reconcileGroups` run. */
export class NotAReconciliationError extends Error {
  override readonly name = 'NotAReconciliationError';
}

/** What to revert, and how. */
export interface RevertRequest {
  /** The run to revert: a workflow id, and its run id (default: the workflow's latest run). */
  target: RevertTarget;
  /** `plan`: show what the revert would change and stop; `apply` (default): gate and apply it. */
  mode?: RunMode;
  /** Overrides of the reverted run's policy (e.g. `requireApproval: always`). */
  overrides?: ReconcileOverrides;
  /** Who asks for the revert, recorded in the audit log. */
  requestedBy?: string;
}

/** A started revert: the new run, and the run it reverts (run id resolved when Temporal still knows the workflow). */
export interface StartedRevert extends StartedRun {
  revertOf: RevertTarget;
}

/**
 * Pins a revert to a run: a workflow id without run id becomes its latest run, as Temporal knows it (schedules reuse
 * one workflow id for many runs; the operator means the last one). When Temporal no longer knows the workflow (e.g.
 * past the namespace's retention), the target is returned as given and the revert run looks the latest run up in the
 * audit log, which outlives Temporal's history.
 *
 * @throws {NotAReconciliationError} when the workflow id names a workflow that is not a `reconcileGroups` run.
 */
export async function resolveRevertTarget(client: Client, target: RevertTarget): Promise<RevertTarget> {
  if (target.runId) return target;
  let info;
  try {
    info = await client.workflow.getHandle(target.workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return target;
    throw err;
  }
  if (info.type !== RECONCILE_WORKFLOW_TYPE) {
    throw new NotAReconciliationError(
      `${target.workflowId} is a ${info.type} workflow, not a ${RECONCILE_WORKFLOW_TYPE} run`,
    );
  }
  return { workflowId: target.workflowId, runId: info.runId };
}

/**
 * Starts a run that reverts `request.target`: the inverse of the membership changes that run applied (from the audit
 * log) that are still in place, gated by the reverted run's policy and applied like any plan. Returns at once; follow
 * it like any run (`getStatus`, `waitForResult`). A run that is unknown, applied nothing, has not finished, or whose
 * audit record cannot be trusted ends `aborted` with the reason, having written nothing.
 *
 * The default workflow id is `gcsync-revert-<timestamp>-<random>`.
 */
export async function startRevert(
  client: Client,
  request: RevertRequest,
  opts: StartOptions = {},
): Promise<StartedRevert> {
  const revertOf = await resolveRevertTarget(client, request.target);
  const run = await startReconciliation(
    client,
    {
      mode: request.mode ?? 'apply',
      revertOf,
      ...(request.overrides ? { overrides: request.overrides } : {}),
      ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    },
    { ...opts, workflowId: opts.workflowId ?? newWorkflowId('revert') },
  );
  return { ...run, revertOf };
}
