/** `gcsync reject ID --by WHO --reason R`: reject the plan a run is waiting on; nothing is applied. */
import type { Command } from 'commander';
import { approvalProblem } from '../../client/approval-check';
import { reject } from '../../client/reconciliation-client';
import { printNote, printText } from '../output/print';
import { withTemporalClient } from './client-session';
import { statusBeforeDecision } from './decision-status';

/** Options of `gcsync reject`. */
export interface RejectOptions {
  by: string;
  reason: string;
}

export function registerRejectCommand(program: Command): void {
  program
    .command('reject')
    .description('Reject the plan a run is waiting on (sends the reject signal); the run ends without changes')
    .argument('<id>', 'workflow id of the run')
    .requiredOption('--by <who>', 'your identity, recorded in the audit log')
    .requiredOption('--reason <text>', 'why, recorded in the audit log')
    .addHelpText(
      'after',
      `
Examples:
  $ gcsync reject gcsync-apply-20261129T140912Z-3fa9c1 --by alice --reason "removes the whole night shift"`,
    )
    .action(async (id: string, opts: RejectOptions) => {
      await rejectRun(id, opts);
    });
}

export async function rejectRun(workflowId: string, opts: RejectOptions): Promise<void> {
  await withTemporalClient(async (client) => {
    const status = await statusBeforeDecision(client, workflowId);
    if (status) {
      const problem = approvalProblem(status);
      if (problem) throw new Error(problem);
    } else {
      printNote('The run did not answer its status query; sending the rejection anyway.');
    }
    await reject(client, workflowId, { by: opts.by, reason: opts.reason });
    printText(`Rejection by ${opts.by} sent to ${workflowId}. Check it with: gcsync status ${workflowId}`);
  });
}
