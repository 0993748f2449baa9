/** `gcsync list`: recent runs, or the ones waiting for approval. */
import { InvalidArgumentError, type Command } from 'commander';
import { listRuns } from '../../client/reconciliation-client';
import { printJson, printText } from '../output/print';
import { formatRunList } from '../output/run-report';
import { withTemporalClient } from './client-session';

/** Options of `gcsync list`. */
export interface ListOptions {
  awaitingApproval?: boolean;
  limit: number;
  json?: boolean;
}

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('List recent reconciliation runs, newest first')
    .option('--awaiting-approval', 'only runs waiting for an approval')
    .option('--limit <n>', 'at most this many runs', parsePositiveInt, 20)
    .option('--json', 'print the runs as JSON')
    .addHelpText(
      'after',
      `
Runs are found through Temporal visibility (WorkflowType = 'reconcileGroups'), which can lag a
run's latest phase by a second or so.

Examples:
  $ gcsync list
  $ gcsync list --awaiting-approval
  $ gcsync list --limit 100 --json`,
    )
    .action(async (opts: ListOptions) => {
      await withTemporalClient(async (client) => {
        const runs = await listRuns(client, {
          awaitingApproval: opts.awaitingApproval ? true : undefined,
          limit: opts.limit,
        });
        if (opts.json) printJson(runs);
        else printText(formatRunList(runs));
      });
    });
}

/** Commander argument parser for a positive integer option. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}
