/** `gcsync run`: start an apply run, and by default follow it to the end. */
import type { Command } from 'commander';
import { startReconciliation } from '../../client/reconciliation-client';
import type { ReconcileResult } from '../../../workflows/messages';
import { EXIT_OK, runExitCode } from '../output/exit-codes';
import { printJson, printNote, printText } from '../output/print';
import { RunProgressView } from '../output/progress';
import { formatResult } from '../output/run-report';
import { cliActor, withTemporalClient } from './client-session';
import { watchForWorker } from './worker-wait';
import { approvalCommandsFor } from '../invocation';
import { followRun } from './follow-run';
import { checkRulesFile } from './rules-input';

/** Options of `gcsync run`. */
export interface RunOptions {
  rules: string;
  target?: string[];
  /** Follow the run to its end; only `false` (`--no-wait`) returns at once. */
  wait?: boolean;
  json?: boolean;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Reconcile now: plan, wait for approval when the policy asks for it, apply')
    .requiredOption('--rules <file>', 'rules file (YAML or JSON), validated here before the run starts')
    .option('--target <group...>', 'only these groups (ids or names as written in the rules)')
    // The default is set before the action rather than on the option: commander would print "(default: true)".
    .option('--wait', 'follow the run with a progress bar until it ends (the default)')
    .hook('preAction', (command) => {
      if (command.getOptionValue('wait') === undefined) command.setOptionValueWithSource('wait', true, 'default');
    })
    .option('--no-wait', 'print the run id and return at once')
    .option('--json', 'print the run id (--no-wait) or the result (--wait) as JSON')
    .addHelpText(
      'after',
      `
Following a run polls its status every 500 ms. If the run waits for approval, the
approve/reject commands are printed; Ctrl-C stops following, never the run.
Exit code with --wait: 0 when every change was applied (or none was needed) and the IdP is in
sync; 1 when the run did not complete (rejected, expired, aborted, or a group failed); 3 when
it completed but the IdP is out of sync: some SCIM notifications are still pending (listed
under "IdP out of sync", retried at the start of every run). 1 wins over 3.

Examples:
  $ gcsync run --rules rules.yaml
  $ gcsync run --rules rules.yaml --target "Support Tier 1" --no-wait
  $ gcsync run --rules rules.yaml --json > result.json`,
    )
    .action(async (opts: RunOptions) => {
      process.exitCode = await runApply(opts);
    });
}

/** Starts an apply run (and follows it unless `wait` is false); returns the exit code. */
export async function runApply(opts: RunOptions): Promise<number> {
  const rules = checkRulesFile(opts.rules);
  return withTemporalClient(async (client, config) => {
    const run = await startReconciliation(
      client,
      { mode: 'apply', rules: rules.text, targetGroups: opts.target, requestedBy: cliActor() },
      { taskQueue: config.taskQueue },
    );
    if (opts.wait === false) {
      if (opts.json) printJson(run);
      else
        printText(
          `Started ${run.workflowId} (run id ${run.runId}). ` +
            `Follow it with: ${(await approvalCommandsFor(config)).gcsync} status ${run.workflowId}`,
        );
      return 0;
    }
    printNote(`Following ${run.workflowId} (Ctrl-C stops following; the run continues)`);
    const view = new RunProgressView({
      workflowId: run.workflowId,
      namespace: config.namespace,
      commands: await approvalCommandsFor(config),
    });
    // Any status at all means a worker has the run; the bounded wait is only for "nobody is polling".
    const worker = watchForWorker(client, config, run.workflowId);
    const result = await worker.guard(
      followRun(client, run.workflowId, {
        update: (status) => {
          worker.cancel();
          view.update(status);
        },
        stop: () => {
          worker.cancel();
          view.stop();
        },
      }),
    );
    if (opts.json) printJson({ ...run, result });
    else printText(formatResult(result));
    return applyRunExitCode(result);
  });
}

/** `gcsync run --wait` exit code when the run went fine but the IdP has not accepted every change yet. */
export const EXIT_IDP_OUT_OF_SYNC = 3;

/**
 * Exit code of `gcsync run --wait`: {@link runExitCode} (0 or 1), except that a run that would exit 0 exits
 * {@link EXIT_IDP_OUT_OF_SYNC} while `idpOutOfSync` lists any group, so a pipeline never takes a lagging IdP for
 * "in sync". A failed run keeps 1, the more urgent signal.
 */
export function applyRunExitCode(result: Pick<ReconcileResult, 'status' | 'totals' | 'idpOutOfSync'>): number {
  const code = runExitCode(result);
  if (code !== EXIT_OK) return code;
  return result.idpOutOfSync?.length ? EXIT_IDP_OUT_OF_SYNC : EXIT_OK;
}
