/** How an operator approves or rejects a waiting run, from each of the three places they might be. */
import type { RunStatus } from '../../../workflows/messages';
import { shellQuote } from './shell-quote';

/** How the printed commands are invoked, so they run verbatim from another shell. */
export interface ApprovalCommands {
  /** What runs gcsync, with any `cd` and environment it needs: `gcsync`, or `cd '/repo' && TEMPORAL_ADDRESS=… npx gcsync`. */
  gcsync: string;
  /** What runs the Temporal CLI: `temporal` when on PATH, else the binary's absolute path. */
  temporal: string;
  /** `host:port` the Temporal CLI should talk to (omitted: its default, 127.0.0.1:7233). */
  temporalAddress?: string;
  /** The approver as a shell word, e.g. `"${USER:-operator}"`; default the placeholder `<you>`. */
  by?: string;
}

/** Where the run lives, for the commands and Web UI hints. */
export interface ApprovalHelpContext {
  workflowId: string;
  namespace: string;
  /** How to invoke the commands (default `gcsync` and `temporal`, with a `<you>` placeholder). */
  commands?: ApprovalCommands;
}

/** Multi-line hint printed when a followed run starts waiting for approval. */
export function formatApprovalHelp(status: RunStatus, ctx: ApprovalHelpContext): string {
  const digest = status.planDigest ?? '<planDigest from gcsync status>';
  const commands = ctx.commands ?? { gcsync: 'gcsync', temporal: 'temporal' };
  const by = commands.by ?? '<you>';
  const signal = JSON.stringify({ by: '<you>', planDigest: digest });
  const id = shellQuote(ctx.workflowId);
  const temporalFlags = [
    commands.temporalAddress ? ` --address ${commands.temporalAddress}` : '',
    ctx.namespace === 'default' ? '' : ` --namespace ${shellQuote(ctx.namespace)}`,
  ].join('');
  const lines = [
    `Run ${ctx.workflowId} is waiting for approval.`,
    status.approvalReasons.length ? `  Why:      ${status.approvalReasons.join('; ')}` : undefined,
    status.totals ? `  Plan:     ${changeCounts(status.totals.adds, status.totals.removes)}` : undefined,
    status.approvalDeadline ? `  Expires:  ${status.approvalDeadline}` : undefined,
    `  Approve:  ${commands.gcsync} approve ${id} --by ${by} --digest ${digest}`,
    `  Reject:   ${commands.gcsync} reject ${id} --by ${by} --reason "<why>"`,
    `  Web UI:   open the workflow, "Send a Signal", name approve, input ${signal}`,
    `  Temporal: ${commands.temporal} workflow signal${temporalFlags} --workflow-id ${id} --name approve --input '${signal}'`,
  ];
  return lines.filter((l): l is string => l !== undefined).join('\n');
}

/** `+12 to add, -3 to remove`, naming only what happens (no `+0` / `-0`). */
function changeCounts(adds: number, removes: number): string {
  const parts = [adds ? `+${adds} to add` : '', removes ? `-${removes} to remove` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no changes';
}
