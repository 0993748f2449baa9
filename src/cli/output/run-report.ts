/** Human-readable status, result and list of runs, for `gcsync status|run|list`. */
import type { IdpOutOfSyncGroup, ReconcileResult, RunStatus } from '../../../workflows/messages';
import type { RunDescription, RunSummary } from '../../client/reconciliation-client';
import { plural } from './plural';
import { minusCount, plusCount } from './signed';
import { formatFields, formatTable } from './table';

/** One line: what the run did. */
export function formatResultLine(result: ReconcileResult): string {
  const t = result.totals;
  const failed = t.failedGroups ? `, ${plural(t.failedGroups, 'group')} failed` : '';
  const error = result.error ? ` — ${result.error}` : '';
  const idp = result.idpOutOfSync?.length ? `, IdP out of sync for ${plural(result.idpOutOfSync.length, 'group')}` : '';
  return `${result.status}: ${plusCount(t.added)} added, ${minusCount(t.removed)} removed across ${plural(t.groups, 'group')}${failed}${idp}${error}`;
}

// Long enough for the HTTP status and the start of the peer's detail; the full text is in --json and the audit log.
const MAX_ERROR_CHARS = 120;

/**
 * The groups whose changes the IdP has not accepted yet, one line each, under a heading that says what it means;
 * empty string when the IdP is in sync (or SCIM is off).
 */
export function formatIdpOutOfSync(groups: readonly IdpOutOfSyncGroup[] | undefined): string {
  if (!groups?.length) return '';
  const rows = groups.map((g) => [
    g.groupName || g.groupId,
    g.idpGroupId,
    String(g.ops),
    g.since,
    g.lastError.length > MAX_ERROR_CHARS ? `${g.lastError.slice(0, MAX_ERROR_CHARS)}…` : g.lastError,
  ]);
  const table = formatTable(['GROUP', 'IDP GROUP', 'PENDING', 'SINCE', 'LAST ERROR'], rows, [
    'left',
    'left',
    'right',
    'left',
    'left',
  ]);
  const head =
    `IdP out of sync: ${plural(groups.length, 'group')} changed in Genesys but not yet accepted by the IdP ` +
    '(kept in the SCIM outbox, retried at the start of every run):';
  return `${head}\n${table}`;
}

/** The result with one line per changed group. */
export function formatResult(result: ReconcileResult): string {
  const head = formatResultLine(result);
  const idp = formatIdpOutOfSync(result.idpOutOfSync);
  if (result.groups.length === 0) return idp ? `${head}\n\n${idp}` : head;
  const rows = result.groups.map((g) => [
    g.failed ? '!' : ' ',
    g.groupName || g.groupId,
    plusCount(g.added),
    minusCount(g.removed),
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
  return idp ? `${head}\n\n${table}\n\n${idp}` : `${head}\n\n${table}`;
}

/** Everything `gcsync status` shows; groups the IdP is behind on come last (the result's list once the run ended). */
export function formatRunDescription(run: RunDescription): string {
  const s = run.status;
  const idp = formatIdpOutOfSync(run.result?.idpOutOfSync ?? s?.idpOutOfSync);
  const fields = formatFields([
    ['Run', `${run.workflowId} (run id ${run.runId})`],
    ['State', s ? `${run.executionStatus}, phase ${s.phase}, mode ${s.mode}` : run.executionStatus],
    ['Reverts', s?.revertOf ? [s.revertOf.workflowId, s.revertOf.runId].filter(Boolean).join('/') : undefined],
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
  return idp ? `${fields}\n\n${idp}` : fields;
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
  return `digest ${s.planDigest ?? '?'}, ${plural(t.groups, 'group')}, ${t.groupsChanged} to change, ${plusCount(t.adds)} ${minusCount(t.removes)}`;
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
  return `${p.groupsDone}/${plural(p.groupsTotal, 'group')}, ${plusCount(p.added)} ${minusCount(p.removed)}, ${p.failedGroups} failed`;
}
