/** `gcsync approve ID --by WHO [--digest D]`: approve the plan a run is waiting on. */
import type { Command } from 'commander';
import { approve } from '../../client/reconciliation-client';
import { printNote, printText } from '../output/print';
import { approvalCommandsFor } from '../invocation';
import { cliOrigin, withTemporalClient } from './client-session';
import { statusBeforeDecision } from './decision-status';

/** Options of `gcsync approve`. */
export interface ApproveOptions {
  by: string;
  digest?: string;
  comment?: string;
}

export function registerApproveCommand(program: Command): void {
  program
    .command('approve')
    .description('Approve the plan a run is waiting on (the run checks and answers at once)')
    .argument('<id>', 'workflow id of the run')
    .requiredOption('--by <who>', 'your identity, recorded in the audit log')
    .option('--digest <planDigest>', "digest of the plan you reviewed (default: the run's current digest)")
    .option('--comment <text>', 'comment recorded with the approval')
    .addHelpText(
      'after',
      `
An approval names the plan digest it approves; the run refuses any other digest. Without
--digest the run's current digest is read from its status and used (and this is said).

Examples:
  $ gcsync approve gcsync-apply-20261129T140912Z-3fa9c1 --by alice --digest 9f2c…e41a
  $ gcsync approve gcsync-apply-20261129T140912Z-3fa9c1 --by alice --comment "CHG-1234"`,
    )
    .action(async (id: string, opts: ApproveOptions) => {
      await approveRun(id, opts);
    });
}

export async function approveRun(workflowId: string, opts: ApproveOptions): Promise<void> {
  await withTemporalClient(async (client, config) => {
    let digest = opts.digest;
    if (!digest) {
      // The digest names what the approver reviewed: without --digest, the current one is read and said.
      const status = await statusBeforeDecision(client, workflowId);
      if (!status) throw new Error("cannot read the run's status (is a worker running?); pass --digest");
      if (!status.planDigest) throw new Error(`the run has no plan yet (phase: ${status.phase})`);
      digest = status.planDigest;
      printNote(`No --digest given: approving the run's current plan digest ${digest} (read from its status).`);
    }
    // The run validates the approval itself (awaiting approval? this digest? someone named?) and answers at once.
    const accepted = await approve(client, workflowId, {
      by: opts.by,
      planDigest: digest,
      ...(opts.comment ? { comment: opts.comment } : {}),
      origin: cliOrigin(),
    });
    printText(`Plan ${accepted.planDigest} approved by ${accepted.by} on ${workflowId}; the run is applying it.`);
    printText(`Follow it with: ${(await approvalCommandsFor(config)).gcsync} status ${workflowId}`);
  });
}
