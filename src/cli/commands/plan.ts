/**
 * `gcsync plan`: what would a run change? Exit codes as `terraform plan`: 0 success, 1 error; with
 * `--detailed-exitcode`, 0 = in sync, 2 = changes.
 */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { PlanGroupSummary, ReconcileResult, RunStatus } from '../../../workflows/messages';
import {
  getFullPlan,
  getPlan,
  getStatus,
  startReconciliation,
  type StartedRun,
} from '../../client/reconciliation-client';
import { openBlobStore } from '../../store/blob-store';
import { StoredPlanReader } from '../../store/plan-reader';
import { paintFor } from '../output/colour';
import { EXIT_CHANGES, EXIT_OK, planExitCode } from '../output/exit-codes';
import {
  formatGate,
  formatGroupChangeHeader,
  formatMemberLines,
  formatPlanDiff,
  planDiffTotals,
} from '../output/plan-diff';
import { printJson, printNote, printText } from '../output/print';
import { cliActor, withTemporalClient } from './client-session';
import { watchForWorker } from './worker-wait';
import { followRun } from './follow-run';
import { checkRulesFile } from './rules-input';

/** Member lines formatted and written at once by `--full`. */
const FULL_LINES_PER_WRITE = 500;

/** Options of `gcsync plan`. */
export interface PlanOptions {
  rules: string;
  target?: string[];
  json?: boolean;
  /** Exit 2 when the plan has changes (Terraform's `-detailed-exitcode`); without it a successful plan exits 0. */
  detailedExitcode?: boolean;
  /** Every member line of every changed group, read from the plan store (not only the first 10 per group). */
  full?: boolean;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('Show what a reconciliation would change (adds, removes, unchanged per group), changing nothing')
    .requiredOption('--rules <file>', 'rules file (YAML or JSON), validated here before the run starts')
    .option('--target <group...>', 'only these groups (ids or names as written in the rules)')
    .option('--json', 'print the plan as JSON')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when in sync (as terraform plan)')
    .option(
      '--full',
      'list every member added or removed (default: the first 10 per group), read from the plan store the workers ' +
        'write to (same DATABASE_URL, or GCSYNC_DATA_DIR and working directory)',
    )
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
  $ gcsync plan --rules rules.yaml --full > plan.txt
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
    // Any status at all means a worker has the run; the bounded wait is only for "nobody is polling".
    const worker = watchForWorker(client, config, run.workflowId);
    const result = await worker.guard(
      followRun(client, run.workflowId, { update: () => worker.cancel(), stop: () => worker.cancel() }),
    );
    const groups = result.status === 'aborted' ? [] : (await getFullPlan(client, run.workflowId)).groups;
    // The gate's own decision for this plan: what `gcsync run` would do with it, and why.
    const status =
      result.status === 'aborted' ? undefined : await getStatus(client, run.workflowId).catch(() => undefined);
    const planRef = opts.full && result.status !== 'aborted' ? await planRefOf(client, run.workflowId) : undefined;
    if (planRef) await reportFull(run, result, groups, status, planRef, opts.json);
    else report(run, result, groups, status, opts.json);
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

/** Where the run's plan is stored (the `plan` query says; a run that changes nothing has no member lines anyway). */
async function planRefOf(client: Client, workflowId: string): Promise<string | undefined> {
  return (await getPlan(client, workflowId, { page: 1, pageSize: 1 })).planRef;
}

/**
 * `--full`: the report with every member line, read group by group from the plan store (one group's plan in memory
 * at a time). Text: the per-group table, then each changed group's lines. JSON: the `--json` document with each
 * changed group's `members` complete, written group by group.
 */
async function reportFull(
  run: StartedRun,
  result: ReconcileResult,
  groups: PlanGroupSummary[],
  status: RunStatus | undefined,
  planRef: string,
  json?: boolean,
): Promise<void> {
  const store = await openBlobStore(process.env);
  try {
    const plans = new StoredPlanReader(store).changedGroupPlans(planRef);
    if (json) {
      const { groups: _shortLists, ...head } = jsonReport(run, result, groups, status);
      const body = JSON.stringify(head, null, 2);
      process.stdout.write(`${body.slice(0, -2)},\n  "groups": [`);
      let next = await plans.next();
      for (const [index, group] of groups.entries()) {
        let full = group;
        if (!next.done && next.value.group.groupId === group.groupId) {
          full = { ...group, members: next.value.members };
          next = await plans.next();
        }
        process.stdout.write(`${index ? ',' : ''}\n    ${JSON.stringify(full)}`);
      }
      process.stdout.write('\n  ]\n}\n');
      return;
    }
    const paint = paintFor(process.stdout);
    printText(
      formatPlanDiff(
        groups.map(({ members: _shortList, ...g }) => g),
        paint,
      ),
    );
    for await (const { group, members } of plans) {
      const lines = [
        ...members.remove.map((m) => ({ op: 'remove' as const, ...m })),
        ...members.add.map((m) => ({ op: 'add' as const, ...m })),
      ];
      printText(`\n${formatGroupChangeHeader(group, paint)}`);
      // Written in slices: a group of 100,000 members never becomes one string.
      for (let i = 0; i < lines.length; i += FULL_LINES_PER_WRITE) {
        printText(formatMemberLines(lines.slice(i, i + FULL_LINES_PER_WRITE), paint).join('\n'));
      }
    }
    if (status && result.status === 'planned') printText(`\n${formatGate(status)}`);
    if (result.planDigest) printNote(`Plan digest ${result.planDigest}`);
  } finally {
    await store.close();
  }
}

/** The `--json` document (without `--full`: each changed group carries its first member lines). */
function jsonReport(
  run: StartedRun,
  result: ReconcileResult,
  groups: PlanGroupSummary[],
  status: RunStatus | undefined,
): Record<string, unknown> & { groups: PlanGroupSummary[] } {
  return {
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
  };
}

function report(
  run: StartedRun,
  result: ReconcileResult,
  groups: PlanGroupSummary[],
  status: RunStatus | undefined,
  json?: boolean,
): void {
  if (json) {
    printJson(jsonReport(run, result, groups, status));
    return;
  }
  if (result.status === 'aborted') {
    printNote(`The plan was aborted: ${result.error ?? 'no reason given'}`);
    return;
  }
  printText(formatPlanDiff(groups, paintFor(process.stdout)));
  if (status && result.status === 'planned') printText(`\n${formatGate(status)}`);
  if (result.planDigest) printNote(`Plan digest ${result.planDigest}`);
}

/** Prints a plan-mode run's outcome as `gcsync plan` does (also used by `gcsync revert --plan`). */
export { report as printPlanReport };
