/**
 * `checkScheduledOverlap` / `resolveScheduledOverlap`: how a run started by a Temporal Schedule deals with the other
 * runs of its schedule (rules in `src/core/scheduled-overlap.ts`). They read through the worker's own Temporal client.
 *
 * Visibility (the list query) is eventually consistent, so it only proposes candidates: the schedule's recent actions
 * (kept by the schedule itself, not by visibility) are added, and each candidate is confirmed by `describe` (open or
 * not, start time) and by its `status` query (waiting for approval or not, which digest) before anything is decided.
 * A supersede is an Update, which the older run validates in its own workflow task: if an approval won the race, the
 * Update is refused and this run stops instead, so an approved plan is never superseded and two applies never overlap.
 */
import { Context } from '@temporalio/activity';
import { ScheduleNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  decideAfterPlan,
  decideAtStart,
  olderOpenRuns,
  type PlannedDecision,
  type ScheduledRunId,
  type ScheduledRunView,
  type StartDecision,
} from '../src/core/scheduled-overlap';
import { RECONCILE_WORKFLOW_TYPE, statusQuery, supersedeUpdate, type RunStatus } from '../workflows/messages';
import type { RunContext } from './types';

/** Input of both activities. */
export interface ScheduledOverlapInput {
  ctx: RunContext;
  /** `TemporalScheduledById` of the run. */
  scheduleId: string;
  /** The run's start time (ISO-8601), from `workflowInfo()`. */
  startedAt: string;
}

/** Input of {@link resolveScheduledOverlap}. */
export interface ResolveScheduledOverlapInput extends ScheduledOverlapInput {
  planDigest: string;
}

/** What `resolveScheduledOverlap` did: go on (having superseded `superseded`), or stop. */
export type ResolvedOverlap =
  { kind: 'proceed'; superseded: ScheduledRunId[] } | Extract<PlannedDecision, { kind: 'skip' | 'already-pending' }>;

export function makeScheduledOverlapActivities() {
  return {
    /** At start: `skip` when an older run of the schedule is still at work (not waiting for approval). */
    async checkScheduledOverlap(input: ScheduledOverlapInput): Promise<StartDecision> {
      const client = Context.current().client;
      return decideAtStart(await olderRuns(client, input));
    },

    /**
     * After planning: `already-pending` when an older run waits on the same digest, `skip` when an older run is at
     * work, else supersede every older run waiting for approval and go on.
     */
    async resolveScheduledOverlap(input: ResolveScheduledOverlapInput): Promise<ResolvedOverlap> {
      const client = Context.current().client;
      const decision = decideAfterPlan(await olderRuns(client, input), input.planDigest);
      if (decision.kind !== 'supersede') return decision;
      const superseded: ScheduledRunId[] = [];
      for (const run of decision.pending) {
        try {
          await client.workflow.getHandle(run.workflowId, run.runId).executeUpdate(supersedeUpdate, {
            args: [{ by: input.ctx, planDigest: input.planDigest }],
          });
          superseded.push(run);
        } catch (err) {
          if (!(err instanceof WorkflowUpdateFailedError)) throw err;
          // Refused: a decision was taken meanwhile (the run now applies) or it closed. Still open = still at work.
          const still = await client.workflow.getHandle(run.workflowId, run.runId).describe();
          if (still.status.name === 'RUNNING') return { kind: 'skip', activeRun: run };
        }
      }
      return { kind: 'proceed', superseded };
    },
  };
}

/** The open runs of the schedule started before this one, each confirmed by describe and its `status` query. */
async function olderRuns(client: Client, input: ScheduledOverlapInput): Promise<ScheduledRunView[]> {
  const candidates = new Map<string, ScheduledRunId>();
  const query =
    `WorkflowType = '${RECONCILE_WORKFLOW_TYPE}' AND TemporalScheduledById = '${quoted(input.scheduleId)}' ` +
    `AND ExecutionStatus = 'Running'`;
  for await (const run of client.workflow.list({ query })) {
    candidates.set(run.workflowId, { workflowId: run.workflowId, runId: run.runId });
  }
  for (const recent of await recentActions(client, input.scheduleId)) candidates.set(recent.workflowId, recent);
  candidates.delete(input.ctx.workflowId);

  const views: ScheduledRunView[] = [];
  for (const run of candidates.values()) {
    const handle = client.workflow.getHandle(run.workflowId, run.runId);
    const described = await handle.describe();
    const view: ScheduledRunView = {
      run: { workflowId: run.workflowId, runId: described.runId },
      startedAt: described.startTime.toISOString(),
      running: described.status.name === 'RUNNING',
    };
    if (view.running) {
      const status = await handle.query(statusQuery).catch((): RunStatus | undefined => undefined);
      if (status) {
        view.awaitingApproval = status.awaitingApproval;
        view.planDigest = status.planDigest;
      }
    }
    views.push(view);
  }
  return olderOpenRuns({ run: input.ctx, startedAt: input.startedAt }, views);
}

/** The runs the schedule itself recorded starting (not subject to visibility lag); none when it was deleted. */
async function recentActions(client: Client, scheduleId: string): Promise<ScheduledRunId[]> {
  try {
    const described = await client.schedule.getHandle(scheduleId).describe();
    return described.info.recentActions.map((a) => ({
      workflowId: a.action.workflow.workflowId,
      runId: a.action.workflow.firstExecutionRunId,
    }));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return [];
    throw err;
  }
}

/** A value inside a '…' visibility literal. */
function quoted(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
