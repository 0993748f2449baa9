import type { RunStatus } from '../../workflows/messages';

/**
 * Why an approval or rejection sent now would not take effect, or `undefined` when it would. The workflow is the
 * authority (it refuses a wrong digest itself); this check lets the CLI and the HTTP service answer at once instead
 * of sending a signal that is silently recorded as refused.
 *
 * @param planDigest - digest the approver reviewed; omit for a rejection.
 */
export function approvalProblem(status: RunStatus, planDigest?: string): string | undefined {
  if (!status.awaitingApproval) return `the run is not awaiting approval (phase: ${status.phase})`;
  if (planDigest !== undefined && status.planDigest !== undefined && planDigest !== status.planDigest) {
    return `plan digest ${planDigest} is not the digest of the plan awaiting approval (${status.planDigest}); review the current plan and approve that digest`;
  }
  return undefined;
}
