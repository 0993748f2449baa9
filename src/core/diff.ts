/** Per-group diff of desired vs observed membership. Pure and deterministic: every output list is sorted. */
import type { GroupMode } from './rules-schema';

/** Genesys accepts at most 50 ids per add/remove members call. */
export const MAX_MEMBERS_PER_REQUEST = 50;

/** Input to {@link planGroup}. Lists may be unsorted and contain duplicates. */
export interface GroupPlanInput {
  groupId: string;
  groupName: string;
  mode: GroupMode;
  /** User ids the rules want in the group. */
  desired: readonly string[];
  /** User ids currently individual members of the group. */
  current: readonly string[];
  /** User ids this tool added earlier (only consulted in `managed` mode). */
  ownedByTool?: readonly string[];
  /** Current members never removed whatever the rules say (members gcsync cannot read; see `activities/plan.ts`). */
  keep?: ReadonlySet<string>;
}

/** The planned change for one group. */
export interface GroupPlan {
  groupId: string;
  groupName: string;
  mode: GroupMode;
  /** Sorted user ids to add. */
  toAdd: string[];
  /** Sorted user ids to remove. */
  toRemove: string[];
  /** Current members left in place (`currentCount - toRemove.length`). */
  unchanged: number;
  currentCount: number;
  desiredCount: number;
}

/**
 * Plans one group. `exact`: add desired − current, remove current − desired. `additive`: add only.
 * `managed`: add, and remove only (current − desired) ∩ ownedByTool, so people added by hand are never
 * touched. Members in `keep` are never removed.
 */
export function planGroup(input: GroupPlanInput): GroupPlan {
  const desired = new Set(input.desired);
  const current = new Set(input.current);
  const toAdd = [...desired].filter((id) => !current.has(id)).sort();
  const keep = input.keep ?? new Set<string>();
  let toRemove: string[] = [];
  if (input.mode === 'exact') {
    toRemove = [...current].filter((id) => !desired.has(id) && !keep.has(id)).sort();
  } else if (input.mode === 'managed') {
    const owned = new Set(input.ownedByTool ?? []);
    toRemove = [...current].filter((id) => !desired.has(id) && owned.has(id) && !keep.has(id)).sort();
  }
  return {
    groupId: input.groupId,
    groupName: input.groupName,
    mode: input.mode,
    toAdd,
    toRemove,
    unchanged: current.size - toRemove.length,
    currentCount: current.size,
    desiredCount: desired.size,
  };
}

/**
 * Recomputes what is still left to do for an approved group plan after re-reading the group's members
 * (after a 409, or when a retried activity may have already written some batches). Level-triggered: the
 * result depends only on the approved plan and the fresh membership, never on which writes were attempted.
 *
 * The result is bounded by the approval: it keeps the approved adds that are still missing and the approved
 * removes that are still present, and never introduces an operation the approver did not see. Drift that
 * appeared after approval is left for the next run to plan (and gate) properly.
 */
export function recomputeDelta(approved: GroupPlan, freshCurrent: readonly string[]): GroupPlan {
  const current = new Set(freshCurrent);
  const toAdd = [...new Set(approved.toAdd)].filter((id) => !current.has(id)).sort();
  const toRemove = [...new Set(approved.toRemove)].filter((id) => current.has(id)).sort();
  return {
    ...approved,
    toAdd,
    toRemove,
    unchanged: current.size - toRemove.length,
    currentCount: current.size,
  };
}

/** Input to {@link convergeDelta}. */
export interface ConvergeInput {
  /** The group's approved plan (what the approver saw). */
  approved: GroupPlan;
  /** User ids the rules want in the group (as computed for the plan). */
  desired: readonly string[];
  /** Individual members observed when the plan was made. */
  observedAtPlan: readonly string[];
  /** Individual members just re-read. */
  fresh: readonly string[];
  /** Ids this tool added earlier (`managed` mode). */
  ownedByTool?: readonly string[];
}

/**
 * The delta that makes a group match its rules again after someone else changed it mid-apply (a 409), without
 * exceeding what was approved in the way that matters: it adds every desired member still missing, and removes
 * only members the approver saw listed for removal, or members that appeared after the plan was made (so nobody
 * who was a member when the plan was approved, and not listed for removal, is ever removed). Level-triggered:
 * the result depends only on these sets, never on which writes were attempted before.
 */
export function convergeDelta(input: ConvergeInput): GroupPlan {
  const full = planGroup({
    groupId: input.approved.groupId,
    groupName: input.approved.groupName,
    mode: input.approved.mode,
    desired: input.desired,
    current: input.fresh,
    ownedByTool: input.ownedByTool,
  });
  const approvedRemovals = new Set(input.approved.toRemove);
  const seenAtPlan = new Set(input.observedAtPlan);
  const toRemove = full.toRemove.filter((id) => approvedRemovals.has(id) || !seenAtPlan.has(id));
  return { ...full, toRemove, unchanged: full.currentCount - toRemove.length };
}

/**
 * Splits `items` into consecutive batches of at most `size` (default {@link MAX_MEMBERS_PER_REQUEST}),
 * preserving order.
 *
 * @throws RangeError when `size` is not a positive integer.
 */
export function chunk<T>(items: readonly T[], size: number = MAX_MEMBERS_PER_REQUEST): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
