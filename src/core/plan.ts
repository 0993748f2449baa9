/** The run's plan: all group plans plus totals, and the digest an approval must name. */
import { canonicalJson } from './canonical-json';
import type { GroupPlan } from './diff';

/** Totals across all groups of a plan. */
export interface PlanTotals {
  adds: number;
  removes: number;
  /** Groups with at least one add or remove. */
  groupsChanged: number;
  groups: number;
}

/** A whole run's plan. */
export interface Plan {
  /** Group plans in the order given to {@link buildPlan} (rules order, which reads best). */
  groups: GroupPlan[];
  totals: PlanTotals;
}

/**
 * Assembles a plan and its totals.
 *
 * @throws Error when two entries target the same group id (e.g. one rule names a group by id and another by
 * name): applying both would make the group flip-flop between two desired states.
 */
export function buildPlan(groupPlans: readonly GroupPlan[]): Plan {
  const seen = new Map<string, GroupPlan>();
  for (const group of groupPlans) {
    const other = seen.get(group.groupId);
    if (other !== undefined) {
      throw new Error(
        `two plan entries target group id ${group.groupId} ('${other.groupName}' and '${group.groupName}'); a group may appear in the rules only once`,
      );
    }
    seen.set(group.groupId, group);
  }
  const totals: PlanTotals = { adds: 0, removes: 0, groupsChanged: 0, groups: groupPlans.length };
  for (const group of groupPlans) {
    totals.adds += group.toAdd.length;
    totals.removes += group.toRemove.length;
    if (group.toAdd.length > 0 || group.toRemove.length > 0) totals.groupsChanged++;
  }
  return { groups: [...groupPlans], totals };
}

/** A streaming SHA-256 (e.g. `() => createHash('sha256')` from `node:crypto`); core stays free of I/O modules. */
export interface IncrementalHash {
  update(text: string): unknown;
  digest(encoding: 'hex'): string;
}

/**
 * Hex SHA-256 identifying what a plan would change: group ids with their sorted adds and removes, over
 * {@link canonicalJson} of `{ v: 1, groups }`. Names, counts and timestamps are left out, and groups are sorted by
 * id, so the same changes always give the same digest. Approvals name this digest; the `v` field versions the
 * format. The hash is fed one group at a time, so no string of the whole plan is ever built (a 200,000-user plan
 * would not fit in one V8 string).
 */
export function planDigest(plan: Pick<Plan, 'groups'>, newHash: () => IncrementalHash): string {
  const groups = [...plan.groups].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  const hash = newHash();
  hash.update('{"groups":[');
  groups.forEach((group, i) => {
    if (i > 0) hash.update(',');
    const entry = { groupId: group.groupId, toAdd: [...group.toAdd].sort(), toRemove: [...group.toRemove].sort() };
    hash.update(canonicalJson(entry));
  });
  hash.update('],"v":1}');
  return hash.digest('hex');
}
