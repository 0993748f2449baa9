/**
 * `gcsync revert ID`: undo what a run applied (the changes of it still in place), planned, gated and applied like any
 * run; `--plan` only shows what the revert would change.
 */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { ReconcileResult, RunStatus } from '../../../workflows/messages';
import { approve, getFullPlan, getStatus } from '../../client/reconciliation-client';
import { startRevert, type StartedRevert } from '../../client/revert';
import { failureMessage } from '../../client/failure-message';
import { printJson, printNote, printText } from '../output/print';
import { RunProgressView } from '../output/progress';
import { formatResult } from '../output/run-report';
import { cliActor, cliOrigin, withTemporalClient } from './client-session';
import { watchForWorker } from './worker-wait';
import { followRun } from './follow-run';
import { planCommandExitCode, printPlanReport } from './plan';
import { applyRunExitCode } from './run';

/** Options of `gcsync revert`. */
export interface RevertOptions {
  runId?: string;
  plan?: boolean;
  approveAs?: string;
  comment?: string;
  wait: boolean;
  json?: boolean;
}

export function registerRevertCommand(program: Command): void {
  program
    .command('revert')
    .description("Undo a run's membership changes that are still in place (planned, gated and applied like a run)")
    .argument('<id>', 'workflow id of the run to revert (as gcsync run, list and status print it)')
    .option('--run-id <runId>', "the Temporal run id, when not the workflow id's latest run")
    .option('--plan', 'only show what the revert would change (a dry run), changing nothing')
    .option('--approve-as <who>', 'if the revert stops for approval, approve its plan as <who> (recorded in the audit)')
    .option('--comment <text>', 'comment recorded with the --approve-as approval')
    .option('--wait', 'follow the revert with a progress bar until it ends', true)
    .option('--no-wait', 'print the revert run id and return at once')
    .option('--json', 'print the plan (--plan), the run id (--no-wait) or the result as JSON')
    .addHelpText(
      'after',
      `
The changes come from the audit log: every member the run added who is still a member is
removed, every member it removed who is still not a member and still active is added back;
nothing else is touched. The reverted run's policy gates the revert (approval thresholds and
failsafes). A run that is unknown, still running, applied nothing, or whose audit record
does not verify is refused: the revert ends aborted with the reason, having written nothing.
Exit codes as gcsync run (with --plan: as gcsync plan).

Examples:
  $ gcsync revert gcsync-apply-20261129T140912Z-3fa9c1 --plan
  $ gcsync revert gcsync-apply-20261129T140912Z-3fa9c1
  $ gcsync revert gcsync-scheduled --run-id 3c8e… --approve-as alice --comment "INC-42"`,
    )
    .action(async (id: string, opts: RevertOptions) => {
      process.exitCode = await runRevert(id, opts);
    });
}

/** Starts a revert of run `workflowId` (and follows it unless `wait` is false); returns the exit code. */
export async function runRevert(workflowId: string, opts: RevertOptions): Promise<number> {
  return withTemporalClient(async (client, config) => {
    const run = await startRevert(
      client,
      {
        target: { workflowId, ...(opts.runId ? { runId: opts.runId } : {}) },
        mode: opts.plan ? 'plan' : 'apply',
        requestedBy: cliActor(),
      },
      { taskQueue: config.taskQueue },
    );
    const what = `${run.revertOf.workflowId}${run.revertOf.runId ? `/${run.revertOf.runId}` : ''}`;
    if (!opts.wait && !opts.plan) {
      if (opts.json) printJson(run);
      else printText(`Started ${run.workflowId} reverting ${what}. Follow it with: gcsync status ${run.workflowId}`);
      return 0;
    }
    if (!opts.json) printNote(`${opts.plan ? 'Planning the revert of' : 'Reverting'} ${what} (run ${run.workflowId})…`);
    // Any status at all means a worker has the run; the bounded wait is only for "nobody is polling".
    const slow = watchForWorker(client, config, run.workflowId);
    if (opts.plan) {
      const result = await slow.guard(
        followRun(client, run.workflowId, {
          update: () => slow.cancel(),
          stop: () => slow.cancel(),
        }),
      );
      const aborted = result.status === 'aborted';
      const groups = aborted ? [] : (await getFullPlan(client, run.workflowId)).groups;
      const status = aborted ? undefined : await getStatus(client, run.workflowId).catch(() => undefined);
      printPlanReport(run, result, groups, status, opts.json);
      if (!opts.json) printNothingLeft(result, status);
      return planCommandExitCode(result, false);
    }
    const view = new RunProgressView({ workflowId: run.workflowId, namespace: config.namespace });
    const approver = opts.approveAs ? approveOnce(client, run, opts.approveAs, opts.comment) : undefined;
    const result = await slow.guard(
      followRun(client, run.workflowId, {
        update: (status) => {
          slow.cancel();
          view.update(status);
          approver?.offer(status);
        },
        stop: () => {
          slow.cancel();
          view.stop();
        },
      }),
    );
    if (opts.json) printJson({ ...run, result });
    else {
      printText(formatResult(result));
      printNothingLeft(result, await getStatus(client, run.workflowId).catch(() => undefined));
    }
    return applyRunExitCode(result);
  });
}

/** A revert with nothing to do says why (what of the run is no longer in place), from the plan's warnings. */
function printNothingLeft(result: ReconcileResult, status: RunStatus | undefined): void {
  if (result.status !== 'no-changes') return;
  printNote(`Nothing of ${status?.revertOf?.workflowId ?? 'that run'} is still in place to undo.`);
  for (const warning of status?.warnings ?? []) printNote(`  - ${warning}`);
}

/**
 * Approves the first plan the run waits on, once, as `by` (`--approve-as`). The digest is the one the run reports
 * waiting on, so the approval can only ever cover the plan this revert computed.
 */
function approveOnce(client: Client, run: StartedRevert, by: string, comment: string | undefined) {
  let sent = false;
  return {
    offer(status: RunStatus): void {
      if (sent || !status.awaitingApproval || !status.planDigest) return;
      sent = true;
      printNote(`Approving plan ${status.planDigest} as ${by} (--approve-as).`);
      approve(client, run.workflowId, {
        by,
        planDigest: status.planDigest,
        ...(comment ? { comment } : {}),
        origin: cliOrigin(),
      }).catch((err: unknown) => printNote(`The approval was not taken: ${failureMessage(err)}`));
    },
  };
}
