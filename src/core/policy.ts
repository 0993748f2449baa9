/** The approval gate: does this plan need a human before it is applied, and why? */
import {
  failsafeChecks,
  planWarnings,
  thresholdChecks,
  type ApprovalContext,
  type CheckResults,
  type FailsafeCheck,
} from './failsafes';
import type { Plan } from './plan';
import { resolveFailsafeSettings, type FailsafeSettings, type Policy } from './policy-schema';

export { parseDuration } from './duration';

/** The gate's decision. */
export interface ApprovalDecision {
  required: boolean;
  /** Why approval is required, one operator sentence each (empty when not required); shown in `plan`, audited. */
  reasons: string[];
  /** Every check that ran (or was skipped, with why), tripped or not: the audit record of the gate. */
  failsafes: FailsafeCheck[];
  /** Things the operator should see whatever the decision (they never gate by themselves). */
  warnings: string[];
}

/** The policy fields the gate reads; failsafe fields left out take their defaults. */
export type ApprovalPolicy = Pick<Policy, 'requireApproval' | 'maxRemovals' | 'maxRemovalRatio'> &
  Partial<FailsafeSettings>;

const ALWAYS_REASON = 'policy requires approval for every run (requireApproval: always)';

/**
 * Decides whether `plan` needs approval.
 *
 * - `always`: required; the reasons also list every check that tripped, so the approver sees the risk.
 * - `auto`: required when a threshold (`maxRemovals`, `maxRemovalRatio` with `minGroupSizeForRatio`,
 *   `maxIndividualMembers`) or a failsafe trips.
 * - `never`: the thresholds are skipped (reported as such), but a tripped failsafe (`minMembersAfter`,
 *   `maxGroupsLosingMembersRatio`, `maxTotalRemovals`, `maxActiveUsersDropRatio`, `approveRoleGrantingGroups`,
 *   `approveUnmatchedSelectorRemovals`)
 *   still requires approval: fail closed. Only switching that failsafe `off` in the policy lets such a run
 *   through unattended.
 *
 * Limits are strict: exactly at a limit passes. `context` carries the facts the plan does not (active-user
 * counts, role grants, unmatched selectors); a check whose input is absent is reported as not checked.
 */
export function evaluateApproval(
  policy: ApprovalPolicy,
  plan: Pick<Plan, 'groups'>,
  context: ApprovalContext = {},
): ApprovalDecision {
  const settings = resolveFailsafeSettings(policy);
  const thresholds =
    policy.requireApproval === 'never'
      ? skippedThresholds()
      : thresholdChecks(
          { ...settings, maxRemovals: policy.maxRemovals, maxRemovalRatio: policy.maxRemovalRatio },
          plan.groups,
        );
  const failsafes = failsafeChecks(settings, plan.groups, context);
  const reasons = [...thresholds.reasons, ...failsafes.reasons];
  if (policy.requireApproval === 'always') reasons.unshift(ALWAYS_REASON);
  return {
    required: reasons.length > 0,
    reasons,
    failsafes: [...thresholds.checks, ...failsafes.checks],
    warnings: planWarnings(settings, plan.groups, context),
  };
}

function skippedThresholds(): CheckResults {
  const detail = 'not applied: requireApproval is never';
  return {
    checks: (['maxRemovals', 'maxRemovalRatio', 'maxIndividualMembers'] as const).map((name) => ({
      name,
      tripped: false,
      detail,
    })),
    reasons: [],
  };
}
