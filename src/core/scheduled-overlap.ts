/**
 * What a scheduled run does about the other runs of its schedule. The schedule lets runs overlap (AllowAll) so a run
 * waiting days for approval never stalls later slots; these rules keep the old guarantee that two runs never read and
 * apply at the same time, and let a newer plan replace a pending one:
 *
 * - at start, an older run still at work (anything but waiting for approval) makes the new run stop (`skip`);
 * - after planning, the older runs waiting for approval of the **same** plan make the new run stop
 *   (`already-pending`: nobody is asked twice); those waiting on a **different** plan are superseded.
 *
 * Pure: the activity gathers each run's state (visibility, describe, the `status` query) and acts on the decision.
 */

/** One workflow execution. */
export interface ScheduledRunId {
  workflowId: string;
  runId: string;
}

/** Another run of the same schedule, as observed just now. */
export interface ScheduledRunView {
  run: ScheduledRunId;
  /** Start time, ISO-8601. */
  startedAt: string;
  /** Whether the run is still open (describe says RUNNING). */
  running: boolean;
  /**
   * Whether the run waits for an approval decision, from its `status` query. Undefined when the run could not be
   * asked (no answer yet): it then counts as at work, so the newer run stops rather than overlap (fail closed).
   */
  awaitingApproval?: boolean;
  /** Digest of the plan it waits on (from the `status` query). */
  planDigest?: string;
}

/** The run deciding, and when it started. */
export interface ScheduledRunSelf {
  run: ScheduledRunId;
  startedAt: string;
}

/** Decision at the start of a scheduled run. */
export type StartDecision = { kind: 'proceed' } | { kind: 'skip'; activeRun: ScheduledRunId };

/** Decision after a scheduled run has planned (mode `apply`). */
export type PlannedDecision =
  | { kind: 'skip'; activeRun: ScheduledRunId }
  | { kind: 'already-pending'; pendingRun: ScheduledRunId }
  /** Supersede `pending` (possibly none) and go on. */
  | { kind: 'supersede'; pending: ScheduledRunId[] };

/**
 * The open runs started before `self` (by start time, then workflow id, so of two runs each sees the other on a
 * different side and they never both stop), oldest first. Runs already closed, and `self`, are left out.
 */
export function olderOpenRuns(self: ScheduledRunSelf, runs: readonly ScheduledRunView[]): ScheduledRunView[] {
  const key = (startedAt: string, workflowId: string): [number, string] => [Date.parse(startedAt), workflowId];
  const [selfTime, selfId] = key(self.startedAt, self.run.workflowId);
  return runs
    .filter((r) => r.running && r.run.workflowId !== self.run.workflowId)
    .filter((r) => {
      const [time, id] = key(r.startedAt, r.run.workflowId);
      return time < selfTime || (time === selfTime && id < selfId);
    })
    .sort(
      (a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.run.workflowId.localeCompare(b.run.workflowId),
    );
}

/** At start: stop when an older run is at work (not waiting for approval, or not answering). */
export function decideAtStart(older: readonly ScheduledRunView[]): StartDecision {
  const active = older.find((r) => r.awaitingApproval !== true);
  return active ? { kind: 'skip', activeRun: active.run } : { kind: 'proceed' };
}

/**
 * After planning: stop when an older run is at work; stop as `already-pending` when the newest older run waiting for
 * approval waits on the same digest; otherwise supersede every older run waiting for approval.
 */
export function decideAfterPlan(older: readonly ScheduledRunView[], planDigest: string): PlannedDecision {
  const start = decideAtStart(older);
  if (start.kind === 'skip') return start;
  const same = older.filter((r) => r.planDigest === planDigest).at(-1);
  if (same) return { kind: 'already-pending', pendingRun: same.run };
  return { kind: 'supersede', pending: older.map((r) => r.run) };
}
