/**
 * `gcsync plan`: what would a run change? Exit codes as `terraform plan`: 0 success, 1 error; with
 * `--detailed-exitcode`, 0 = in sync, 2 = changes.
 */
import type { Command } from 'commander';
import type { PlanGroupSummary, ReconcileResult, RunStatus } from '../../../workflows/messages';
import { getFullPlan, getStatus, startReconciliation, type StartedRun } from '../../client/reconciliation-client';
import { EXIT_CHANGES, EXIT_OK, planExitCode } from '../output/exit-codes';
import { formatGate, formatPlanDiff, planDiffTotals } from '../output/plan-diff';
import { printJson, printNote, printText } from '../output/print';
import { cliActor, hintIfSlow, withTemporalClient } from './client-session';
import { followRun } from './follow-run';
import { checkRulesFile } from './rules-input';

/** Options of `gcsync plan`. */
export interface PlanOptions {
  rules: string;
  target?: string[];
  json?: boolean;
  /** Exit 2 when the plan has changes (Terraform's `-detailed-exitcode`); without it a successful plan exits 0. */
  detailedExitcode?: boolean;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('Show what a reconciliation would change (adds, removes, unchanged per group), changing nothing')
    .requiredOption('--rules <file>', 'rules file (YAML or JSON), validated here before the run starts')
    .option('--target <group...>', 'only these groups (ids or names as written in the rules)')
    .option('--json', 'print the plan as JSON')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when in sync (as terraform plan)')
    .addHelpText(
      'after',
      `
Exit codes (as terraform plan): 0 success, 1 error (invalid rules, unknown group,
nesting cycle, Temporal unreachable). With --detailed-exitcode:
  0  no changes: the groups already match the rules
  2  changes: a run would add or remove members
  1  error

Examples:
  $ gcsync plan --rules rules.yaml
  $ gcsync plan --rules rules.yaml --target "Support Tier 1" "Sales" --json
  $ gcsync plan --rules rules.yaml --detailed-exitcode > /dev/null; [ $? -eq 2 ] && echo "drift detected"`,
    )
    .action(async (opts: PlanOptions) => {
      process.exitCode = await runPlan(opts);
    });
}

/** Runs a plan-mode reconciliation, prints it, and returns the exit code. */
export async function runPlan(opts: PlanOptions): Promise<number> {
  const rules = checkRulesFile(opts.rules);
  return withTemporalClient(async (client, config) => {
    const run = await startReconciliation(
      client,
      { mode: 'plan', rules: rules.text, targetGroups: opts.target, requestedBy: cliActor() },
      { taskQueue: config.taskQueue },
    );
    if (!opts.json) printNote(`Planning (run ${run.workflowId})…`);
    const slow = hintIfSlow(config.taskQueue);
    const result = await followRun(client, run.workflowId, {
      // Any status at all means a worker has the run; the hint is only for "nobody is polling".
      update: () => slow.cancel(),
      stop: () => slow.cancel(),
    });
    const groups = result.status === 'aborted' ? [] : (await getFullPlan(client, run.workflowId)).groups;
    // The gate's own decision for this plan: what `gcsync run` would do with it, and why.
    const status =
      result.status === 'aborted' ? undefined : await getStatus(client, run.workflowId).catch(() => undefined);
    report(run, result, groups, status, opts.json);
    return planCommandExitCode(result, opts.detailedExitcode === true);
  });
}

/**
 * Exit code of `gcsync plan`: 1 for a failed plan; for a successful one 0, or with `detailed` (Terraform's
 * `-detailed-exitcode`) 2 when it has changes.
 */
export function planCommandExitCode(result: Pick<ReconcileResult, 'status'>, detailed: boolean): number {
  const code = planExitCode(result);
  return code === EXIT_CHANGES && !detailed ? EXIT_OK : code;
}

function report(
  run: StartedRun,
  result: ReconcileResult,
  groups: PlanGroupSummary[],
  status: RunStatus | undefined,
  json?: boolean,
): void {
  if (json) {
    printJson({
      ...run,
      status: result.status,
      planId: result.planId,
      planDigest: result.planDigest,
      totals: planDiffTotals(groups),
      ...(status
        ? {
            approvalRequired: status.approvalRequired,
            approvalReasons: status.approvalReasons,
            warnings: status.warnings ?? [],
            failsafesTripped: status.failsafesTripped ?? [],
          }
        : {}),
      groups,
      ...(result.error ? { error: result.error } : {}),
    });
    return;
  }
  if (result.status === 'aborted') {
    printNote(`The plan was aborted: ${result.error ?? 'no reason given'}`);
    return;
  }
  printText(formatPlanDiff(groups));
  if (status && result.status === 'planned') printText(`\n${formatGate(status)}`);
  if (result.planDigest) printNote(`Plan digest ${result.planDigest}`);
}

/** Prints a plan-mode run's outcome as `gcsync plan` does (also used by `gcsync revert --plan`). */
export { report as printPlanReport };
