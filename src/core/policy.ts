/** The approval gate: does this plan need a human before it is applied? */
import type { Plan } from './plan';
import type { Policy } from './rules-schema';

export { parseDuration } from './duration';

/** The gate's decision. `reasons` explains a `required` decision in operator language (empty otherwise). */
export interface ApprovalDecision {
  required: boolean;
  reasons: string[];
}

/**
 * Decides whether `plan` needs approval. `always` and `never` are unconditional. `auto` requires approval when
 * the plan removes more than `maxRemovals` members in total, or when any group would lose more than
 * `maxRemovalRatio` of its current members (the accidental-mass-deletion guard). Groups with no current
 * members never trigger the ratio. Thresholds are strict: exactly at the limit is allowed.
 */
export function evaluateApproval(
  policy: Pick<Policy, 'requireApproval' | 'maxRemovals' | 'maxRemovalRatio'>,
  plan: Plan,
): ApprovalDecision {
  if (policy.requireApproval === 'always') {
    return { required: true, reasons: ['policy requires approval for every run (requireApproval: always)'] };
  }
  if (policy.requireApproval === 'never') return { required: false, reasons: [] };

  const reasons: string[] = [];
  const removals = plan.groups.reduce((sum, group) => sum + group.toRemove.length, 0);
  if (removals > policy.maxRemovals) {
    reasons.push(`run would remove ${removals} members in total (more than maxRemovals ${policy.maxRemovals})`);
  }
  for (const group of plan.groups) {
    const removed = group.toRemove.length;
    if (group.currentCount === 0 || removed === 0) continue;
    const ratio = removed / group.currentCount;
    if (ratio > policy.maxRemovalRatio) {
      const [actual, limit] = formatPercents(ratio, policy.maxRemovalRatio);
      reasons.push(
        `group ${group.groupName || group.groupId} would lose ${removed} of ${group.currentCount} members (${actual} > ${limit})`,
      );
    }
  }
  return { required: reasons.length > 0, reasons };
}

// Percentages with as few decimals as possible, but enough that a ratio just over the limit does not read
// as "20% > 20%".
function formatPercents(actual: number, limit: number): [string, string] {
  for (let digits = 1; digits < 6; digits++) {
    const a = percent(actual, digits);
    const l = percent(limit, digits);
    if (a !== l) return [a, l];
  }
  return [percent(actual, 6), percent(limit, 6)];
}

function percent(ratio: number, digits: number): string {
  return `${Number((ratio * 100).toFixed(digits)).toString()}%`;
}
