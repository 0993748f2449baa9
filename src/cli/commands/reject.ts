/** `gcsync reject ID --by WHO --reason R`: reject the plan a run is waiting on; nothing is applied. */
import type { Command } from 'commander';
import { reject } from '../../client/reconciliation-client';
import { printText } from '../output/print';
import { cliOrigin, withTemporalClient } from './client-session';

/** Options of `gcsync reject`. */
export interface RejectOptions {
  by: string;
  reason: string;
}

export function registerRejectCommand(program: Command): void {
  program
    .command('reject')
    .description('Reject the plan a run is waiting on (the run checks and answers at once); it ends without changes')
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
    // The run validates the rejection (awaiting approval? someone named?) and answers at once.
    const accepted = await reject(client, workflowId, { by: opts.by, reason: opts.reason, origin: cliOrigin() });
    printText(`Plan ${accepted.planDigest} rejected by ${accepted.by} on ${workflowId}; nothing will be written.`);
  });
}
