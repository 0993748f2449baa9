/**
 * Reverting a run: what it changed, read back from its audit entries, and the inverse of those changes that is still
 * in place. Pure: the activity (`activities/revert-plan.ts`) reads the audit log and the directory.
 */
import type { GroupPlan } from './diff';
import type { GroupMode } from './rules-schema';

/** The run to revert: a workflow id, and the Temporal run id (the latest run of that workflow id when absent). */
export interface RevertTarget {
  workflowId: string;
  runId?: string;
}

/** The audit entry fields this module reads (a stored `AuditEntry` has them all). */
export interface RevertAuditEntry {
  type: string;
  workflowId: string;
  runId: string;
  groupId?: unknown;
  groupName?: unknown;
  userId?: unknown;
  op?: unknown;
  outcome?: unknown;
}

/** What one run changed in one group: the users it added and the users it removed (sorted ids). */
export interface GroupChangesOfRun {
  groupId: string;
  groupName: string;
  added: string[];
  removed: string[];
}

/** What the audit log says about one run. */
export interface RunChanges {
  workflowId: string;
  runId: string;
  /** A `run.started` entry exists: the run is known. */
  started: boolean;
  /** A `run.finished` entry exists: the run ended and every change it made is in the log. */
  finished: boolean;
  /** Groups in the order they first appear in the log. */
  groups: GroupChangesOfRun[];
}

/**
 * Collects one run's applied membership changes from its audit entries (any order of entries from other runs may be
 * mixed in). A change counts when its `membership.change` outcome is `applied` or `already-applied` (both mean the
 * change is in place after the run); `failed` ones changed nothing. When a user appears twice for one group (a
 * re-read mid-apply), the later entry wins.
 */
export function collectRunChanges(
  entries: Iterable<RevertAuditEntry>,
  run: { workflowId: string; runId: string },
): RunChanges {
  const result: RunChanges = {
    workflowId: run.workflowId,
    runId: run.runId,
    started: false,
    finished: false,
    groups: [],
  };
  const byGroup = new Map<string, { groupName: string; last: Map<string, 'add' | 'remove'> }>();
  for (const entry of entries) {
    if (entry.workflowId !== run.workflowId || entry.runId !== run.runId) continue;
    if (entry.type === 'run.started') result.started = true;
    else if (entry.type === 'run.finished') result.finished = true;
    else if (
      entry.type === 'membership.change' &&
      (entry.outcome === 'applied' || entry.outcome === 'already-applied')
    ) {
      const groupId = String(entry.groupId);
      let group = byGroup.get(groupId);
      if (!group) {
        group = { groupName: String(entry.groupName ?? groupId), last: new Map() };
        byGroup.set(groupId, group);
      }
      if (entry.op === 'add' || entry.op === 'remove') group.last.set(String(entry.userId), entry.op);
    }
  }
  for (const [groupId, { groupName, last }] of byGroup) {
    const ids = (op: 'add' | 'remove') =>
      [...last]
        .filter(([, o]) => o === op)
        .map(([id]) => id)
        .sort();
    result.groups.push({ groupId, groupName, added: ids('add'), removed: ids('remove') });
  }
  return result;
}

/**
 * The latest run of `workflowId` named by a `run.started` entry (entries in log order), or `undefined`. Runs of one
 * workflow id (a schedule's, a reset) share it; the operator names the workflow id and means its last run.
 */
export function latestRunOf(entries: Iterable<RevertAuditEntry>, workflowId: string): string | undefined {
  let latest: string | undefined;
  for (const entry of entries)
    if (entry.type === 'run.started' && entry.workflowId === workflowId) latest = entry.runId;
  return latest;
}

/**
 * Why `changes` cannot be reverted (one precise sentence), or `undefined` when it can: an unknown run, a run the log
 * does not show as finished (its changes may be incomplete), or a run that applied nothing.
 */
export function revertRefusal(changes: RunChanges): string | undefined {
  const name = `run ${changes.workflowId}/${changes.runId}`;
  if (!changes.started) return `${name} is not in the audit log (no run.started entry): nothing to revert`;
  if (!changes.finished) {
    return `${name} has no run.finished entry in the audit log (still running, or its record is incomplete): refusing to revert a partial record`;
  }
  if (changes.groups.every((g) => g.added.length + g.removed.length === 0)) {
    return `${name} applied no membership changes: nothing to revert`;
  }
  return undefined;
}

/** Input of {@link planRevertGroup}. */
export interface RevertGroupInput {
  changes: GroupChangesOfRun;
  /** The group's mode in the reverted run's rules (kept on the plan for the summaries; the revert ignores it). */
  mode: GroupMode;
  /** The group's individual members now. */
  current: readonly string[];
  /** Users that exist and are active now (only those the run removed need to be in it). */
  active: ReadonlySet<string>;
}

/** One group's revert: the plan, and the run's changes left alone because they are no longer in place. */
export interface RevertGroupPlan {
  plan: GroupPlan;
  /** Users the run added who are no longer members (someone removed them since). */
  addedNoLongerMembers: string[];
  /** Users the run removed who are members again. */
  removedMembersAgain: string[];
  /** Users the run removed who no longer exist or are not active (never added back). */
  removedGoneOrInactive: string[];
}

/**
 * The inverse of what the run changed in one group, restricted to what is still in place: a user it added who is
 * still a member is removed; a user it removed who is still not a member and is active is added back. Nothing else
 * in the group is touched, whatever its mode.
 */
export function planRevertGroup(input: RevertGroupInput): RevertGroupPlan {
  const current = new Set(input.current);
  const toRemove = input.changes.added.filter((id) => current.has(id)).sort();
  const notMembers = input.changes.removed.filter((id) => !current.has(id));
  const toAdd = notMembers.filter((id) => input.active.has(id)).sort();
  return {
    plan: {
      groupId: input.changes.groupId,
      groupName: input.changes.groupName,
      mode: input.mode,
      toAdd,
      toRemove,
      unchanged: current.size - toRemove.length,
      currentCount: current.size,
      desiredCount: current.size - toRemove.length + toAdd.length,
    },
    addedNoLongerMembers: input.changes.added.filter((id) => !current.has(id)),
    removedMembersAgain: input.changes.removed.filter((id) => current.has(id)),
    removedGoneOrInactive: notMembers.filter((id) => !input.active.has(id)),
  };
}
