/** Human-readable status, result and list of runs, for `gcsync status|run|list`. */
import type { ReconcileResult, RunStatus } from '../../../workflows/messages';
import type { RunDescription, RunSummary } from '../../client/reconciliation-client';
import { plural } from './plural';
import { formatFields, formatTable } from './table';

/** One line: what the run did. */
export function formatResultLine(result: ReconcileResult): string {
  const t = result.totals;
  const failed = t.failedGroups ? `, ${plural(t.failedGroups, 'group')} failed` : '';
  const error = result.error ? ` — ${result.error}` : '';
  return `${result.status}: +${t.added} added, -${t.removed} removed across ${plural(t.groups, 'group')}${failed}${error}`;
}

/** The result with one line per changed group. */
export function formatResult(result: ReconcileResult): string {
  const head = formatResultLine(result);
  if (result.groups.length === 0) return head;
  const rows = result.groups.map((g) => [
    g.failed ? '!' : ' ',
    g.groupName || g.groupId,
    `+${g.added}`,
    `-${g.removed}`,
    g.scim ?? '',
    g.error ?? '',
  ]);
  const table = formatTable(['', 'GROUP', 'ADDED', 'REMOVED', 'SCIM', 'ERROR'], rows, [
    'left',
    'left',
    'right',
    'right',
    'left',
    'left',
  ]);
  return `${head}\n\n${table}`;
}

/** Everything `gcsync status` shows. */
export function formatRunDescription(run: RunDescription): string {
  const s = run.status;
  return formatFields([
    ['Run', `${run.workflowId} (run id ${run.runId})`],
    ['State', s ? `${run.executionStatus}, phase ${s.phase}, mode ${s.mode}` : run.executionStatus],
    ['Started', run.startTime],
    ['Closed', run.closeTime],
    ['Plan', s ? formatPlanLine(s) : undefined],
    ['Approval', s ? formatApprovalLine(s) : undefined],
    ['Refused', s?.refusedApprovals.length ? formatRefused(s) : undefined],
    ['Progress', s && s.progress.groupsTotal > 0 ? formatProgress(s) : undefined],
    ['Result', run.result ? formatResultLine(run.result) : undefined],
    ['Failure', run.failure],
    ['Error', s?.error],
    ['Query', run.statusError ? `status query not answered (${run.statusError}); is a worker running?` : undefined],
  ]);
}

/** `gcsync list` table. */
export function formatRunList(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs found.';
  const rows = runs.map((r) => [
    r.workflowId,
    r.executionStatus,
    r.phase ?? '',
    r.awaitingApproval ? 'awaiting' : '',
    r.startTime,
  ]);
  return formatTable(['WORKFLOW ID', 'STATE', 'PHASE', 'APPROVAL', 'STARTED'], rows);
}

function formatPlanLine(s: RunStatus): string | undefined {
  if (!s.totals) return undefined;
  const t = s.totals;
  return `digest ${s.planDigest ?? '?'}, ${plural(t.groups, 'group')}, ${t.groupsChanged} to change, +${t.adds} -${t.removes}`;
}

function formatApprovalLine(s: RunStatus): string | undefined {
  if (s.approval)
    return `approved by ${s.approval.by} at ${s.approval.at}${s.approval.comment ? ` (${s.approval.comment})` : ''}`;
  if (s.rejection) return `rejected by ${s.rejection.by} at ${s.rejection.at}: ${s.rejection.reason}`;
  if (s.awaitingApproval) {
    const why = s.approvalReasons.length ? ` (${s.approvalReasons.join('; ')})` : '';
    return `waiting${s.approvalDeadline ? ` until ${s.approvalDeadline}` : ''}${why}`;
  }
  return s.approvalRequired ? 'required' : undefined;
}

function formatRefused(s: RunStatus): string {
  return s.refusedApprovals.map((r) => `${r.by} at ${r.at} named digest ${r.planDigest}`).join('; ');
}

function formatProgress(s: RunStatus): string {
  const p = s.progress;
  return `${p.groupsDone}/${p.groupsTotal} groups, +${p.added} -${p.removed}, ${p.failedGroups} failed`;
}
