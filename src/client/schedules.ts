/**
 * Temporal Schedules that start `reconcileGroups` runs periodically (`gcsync schedule create|list|delete`).
 * A scheduled run reads its rules through `rulesRef`, on the worker: the path must be readable by every worker.
 */
import { runStaticSummary } from '../core/run-summary';
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleSpec,
  type ScheduleSummary,
} from '@temporalio/client';
import {
  DEFAULT_TASK_QUEUE,
  RECONCILE_WORKFLOW_TYPE,
  type ReconcileInput,
  type RunMode,
} from '../../workflows/messages';
import { AWAITING_APPROVAL_ATTRIBUTE, PHASE_ATTRIBUTE } from '../../workflows/search-attributes';
import { parseDuration } from '../core/duration';
import type { ReconcileGroupsWorkflow } from './reconciliation-client';

/** When a schedule fires: a fixed interval (`90s`, `15m`, `1h`, `1h30m`, `1d`) or a cron expression. */
export type ScheduleTiming = { every: string } | { cron: string };

/** Options of {@link createReconcileSchedule}. */
export interface CreateScheduleOptions {
  scheduleId: string;
  timing: ScheduleTiming;
  mode: RunMode;
  /** Rules reference the worker reads at each run (an absolute path on the worker, or `blob:<key>`). */
  rulesRef: string;
  targetGroups?: string[];
  /** @default `gcsync` */
  taskQueue?: string;
}

/** A gcsync schedule, as listed by {@link listReconcileSchedules}. */
export interface ReconcileScheduleSummary {
  scheduleId: string;
  /** `every 1h` or `cron 0 * * * *`, as given at creation. */
  timing?: string;
  mode?: RunMode;
  rulesRef?: string;
  paused: boolean;
  nextRun?: string;
  lastRun?: string;
}

/**
 * Creates a schedule whose action starts `reconcileGroups` with `{mode, rulesRef}`. Overlap policy AllowAll, so a run
 * waiting days for approval never stalls later slots: each scheduled run sorts out the overlap itself (it stops as
 * `skipped` while an older run is at work, supersedes an older run waiting on another plan, and stops as
 * `already-pending` when the same plan already waits).
 */
export async function createReconcileSchedule(client: Client, opts: CreateScheduleOptions): Promise<void> {
  const spec: ScheduleSpec =
    'every' in opts.timing
      ? { intervals: [{ every: intervalMs(opts.timing.every) }] }
      : { cronExpressions: [opts.timing.cron] };
  const input: ReconcileInput = {
    mode: opts.mode,
    rulesRef: opts.rulesRef,
    requestedBy: `schedule:${opts.scheduleId}`,
  };
  if (opts.targetGroups?.length) input.targetGroups = opts.targetGroups;
  const timing = 'every' in opts.timing ? `every ${opts.timing.every}` : `cron ${opts.timing.cron}`;
  await client.schedule.create<ReconcileGroupsWorkflow>({
    scheduleId: opts.scheduleId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: RECONCILE_WORKFLOW_TYPE,
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
      // Temporal appends the fire time, so runs are `gcsync-schedule-<id>-<timestamp>`.
      workflowId: `gcsync-schedule-${opts.scheduleId}`,
      args: [input],
      // Every run the schedule starts is recognisable in the Web UI's list (mode, targets, "by schedule:<id>").
      staticSummary: runStaticSummary(input),
      typedSearchAttributes: [
        { key: PHASE_ATTRIBUTE, value: 'starting' },
        { key: AWAITING_APPROVAL_ATTRIBUTE, value: false },
      ],
    },
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    memo: { gcsync: { timing, mode: opts.mode, rulesRef: opts.rulesRef } },
  });
}

/** Schedules whose action starts `reconcileGroups`. */
export async function listReconcileSchedules(client: Client): Promise<ReconcileScheduleSummary[]> {
  const schedules: ReconcileScheduleSummary[] = [];
  for await (const schedule of client.schedule.list()) {
    if (schedule.action?.workflowType !== RECONCILE_WORKFLOW_TYPE) continue;
    schedules.push(summarise(schedule));
  }
  return schedules;
}

/**
 * Deletes a gcsync schedule; runs it already started keep going.
 *
 * @throws `Error` when there is no such schedule, or when it does not start `reconcileGroups` (other schedules of
 * the namespace are not gcsync's to delete).
 */
export async function deleteReconcileSchedule(client: Client, scheduleId: string): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId);
  try {
    const description = await handle.describe();
    if (description.action.workflowType !== RECONCILE_WORKFLOW_TYPE) {
      throw new Error(`schedule ${scheduleId} does not start ${RECONCILE_WORKFLOW_TYPE} runs; not deleting it`);
    }
    await handle.delete();
  } catch (err) {
    // The server's own message for a missing schedule is about workflows ("workflow execution already completed").
    if (err instanceof ScheduleNotFoundError) throw new Error(`no schedule ${scheduleId}`, { cause: err });
    throw err;
  }
}

function intervalMs(every: string): number {
  const ms = parseDuration(every);
  if (ms === 0) throw new Error('the interval must be longer than zero');
  return ms;
}

function summarise(schedule: ScheduleSummary): ReconcileScheduleSummary {
  const memo = (schedule.memo?.gcsync ?? {}) as { timing?: string; mode?: RunMode; rulesRef?: string };
  const recent = schedule.info.recentActions.at(-1);
  return {
    scheduleId: schedule.scheduleId,
    timing: memo.timing,
    mode: memo.mode,
    rulesRef: memo.rulesRef,
    paused: schedule.state.paused,
    nextRun: schedule.info.nextActionTimes[0]?.toISOString(),
    lastRun: recent?.takenAt.toISOString(),
  };
}
