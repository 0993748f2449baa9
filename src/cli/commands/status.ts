/** `gcsync status ID`: where a run is, its plan, approval, progress and result. */
import type { Command } from 'commander';
import { describeRun } from '../../client/reconciliation-client';
import { printJson, printText } from '../output/print';
import { formatRunDescription } from '../output/run-report';
import { withTemporalClient } from './client-session';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("Show a run's phase, plan totals, approval state, progress, result and groups the IdP is behind on")
    .argument('<id>', 'workflow id of the run')
    .option('--json', 'print the status as JSON')
    .addHelpText(
      'after',
      `
Groups listed under "IdP out of sync" changed in Genesys but their SCIM notification has not
been accepted by the IdP yet; it stays in the outbox and every run tries it again.

Examples:
  $ gcsync status gcsync-apply-20261129T140912Z-3fa9c1
  $ gcsync status gcsync-apply-20261129T140912Z-3fa9c1 --json | jq .status.planDigest`,
    )
    .action(async (id: string, opts: { json?: boolean }) => {
      await withTemporalClient(async (client) => {
        const run = await describeRun(client, id);
        if (opts.json) printJson(run);
        else printText(formatRunDescription(run));
      });
    });
}
