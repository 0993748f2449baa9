/** How an operator approves or rejects a waiting run, from each of the three places they might be. */
import type { RunStatus } from '../../../workflows/messages';

/** Where the run lives, for the commands and Web UI hints. */
export interface ApprovalHelpContext {
  workflowId: string;
  namespace: string;
}

/** Multi-line hint printed when a followed run starts waiting for approval. */
export function formatApprovalHelp(status: RunStatus, ctx: ApprovalHelpContext): string {
  const digest = status.planDigest ?? '<planDigest from gcsync status>';
  const signal = JSON.stringify({ by: '<you>', planDigest: digest });
  const ns = ctx.namespace === 'default' ? '' : ` --namespace ${ctx.namespace}`;
  const lines = [
    `Run ${ctx.workflowId} is waiting for approval.`,
    status.approvalReasons.length ? `  Why:      ${status.approvalReasons.join('; ')}` : undefined,
    status.totals ? `  Plan:     +${status.totals.adds} to add, -${status.totals.removes} to remove` : undefined,
    status.approvalDeadline ? `  Expires:  ${status.approvalDeadline}` : undefined,
    `  Approve:  gcsync approve ${ctx.workflowId} --by <you> --digest ${digest}`,
    `  Reject:   gcsync reject ${ctx.workflowId} --by <you> --reason "<why>"`,
    `  Web UI:   open the workflow, "Send a Signal", name approve, input ${signal}`,
    `  Temporal: temporal workflow signal${ns} --workflow-id ${ctx.workflowId} --name approve --input '${signal}'`,
  ];
  return lines.filter((l): l is string => l !== undefined).join('\n');
}
