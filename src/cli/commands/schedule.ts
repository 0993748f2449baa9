/** `gcsync schedule create|list|delete`: periodic reconciliations as Temporal Schedules. */
import { Option, type Command } from 'commander';
import type { RunMode } from '../../../workflows/messages';
import { parseDuration } from '../../core/duration';
import {
  createReconcileSchedule,
  deleteReconcileSchedule,
  listReconcileSchedules,
  type ScheduleTiming,
} from '../../client/schedules';
import { printJson, printNote, printText } from '../output/print';
import { formatTable } from '../output/table';
import { withTemporalClient } from './client-session';
import { checkRulesFile } from './rules-input';

/** Options of `gcsync schedule create`. */
export interface ScheduleCreateOptions {
  id: string;
  every?: string;
  cron?: string;
  rules: string;
  mode: RunMode;
  target?: string[];
}

export function registerScheduleCommand(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Manage schedules that reconcile periodically (Temporal Schedules)')
    .addHelpText(
      'after',
      `
Examples:
  $ gcsync schedule create --id hourly --every 1h --rules /etc/gcsync/rules.yaml
  $ gcsync schedule list
  $ gcsync schedule delete hourly`,
    );

  schedule
    .command('create')
    .description('Create a schedule that starts a reconciliation at each interval or cron time')
    .requiredOption('--id <id>', 'schedule id')
    .option('--every <interval>', 'interval: 90s, 15m, 1h, 1h30m, 1d')
    .option('--cron <expr>', 'cron expression, e.g. "0 * * * *" (UTC)')
    .requiredOption('--rules <file>', 'rules file; its absolute path is what the worker reads at each run')
    .addOption(
      new Option('--mode <mode>', 'apply changes, or only plan them').choices(['apply', 'plan']).default('apply'),
    )
    .option('--target <group...>', 'only these groups (ids or names as written in the rules)')
    .addHelpText(
      'after',
      `
The schedule passes the rules by reference ({mode, rulesRef: <absolute path>}): the
worker reads the file at each run, so the path must be readable by every worker (same
path on a shared volume). Edit the file and the next run uses the new rules.
Overlap policy AllowAll: a run waiting for approval never stalls later slots. A new run
stops ("skipped") while an older run is still at work, supersedes an older run waiting on
a different plan, and stops ("already-pending") when the same plan already waits.

Examples:
  $ gcsync schedule create --id hourly --every 1h --rules /etc/gcsync/rules.yaml
  $ gcsync schedule create --id nightly-plan --cron "0 2 * * *" --rules /etc/gcsync/rules.yaml --mode plan`,
    )
    .action(async (opts: ScheduleCreateOptions) => {
      const timing = scheduleTiming(opts);
      const rules = checkRulesFile(opts.rules);
      await withTemporalClient(async (client, config) => {
        await createReconcileSchedule(client, {
          scheduleId: opts.id,
          timing,
          mode: opts.mode,
          rulesRef: rules.path,
          targetGroups: opts.target,
          taskQueue: config.taskQueue,
        });
      });
      printText(`Created schedule ${opts.id}: ${opts.mode} ${describeTiming(timing)} with rules ${rules.path}`);
      printNote(`Workers read ${rules.path} at every run: make sure it exists at that path for every worker.`);
    });

  schedule
    .command('list')
    .description('List the schedules that start reconciliations')
    .option('--json', 'print the schedules as JSON')
    .addHelpText('after', '\nExamples:\n  $ gcsync schedule list\n  $ gcsync schedule list --json')
    .action(async (opts: { json?: boolean }) => {
      const schedules = await withTemporalClient((client) => listReconcileSchedules(client));
      if (opts.json) {
        printJson(schedules);
        return;
      }
      if (schedules.length === 0) {
        printText('No schedules.');
        return;
      }
      const rows = schedules.map((s) => [
        s.scheduleId,
        s.timing ?? '',
        s.mode ?? '',
        s.paused ? 'paused' : 'active',
        s.nextRun ?? '',
        s.lastRun ?? '',
        s.rulesRef ?? '',
      ]);
      printText(formatTable(['ID', 'WHEN', 'MODE', 'STATE', 'NEXT RUN', 'LAST RUN', 'RULES'], rows));
    });

  schedule
    .command('delete')
    .description('Delete a schedule (runs it already started continue)')
    .argument('<id>', 'schedule id')
    .addHelpText('after', '\nExamples:\n  $ gcsync schedule delete hourly')
    .action(async (id: string) => {
      await withTemporalClient((client) => deleteReconcileSchedule(client, id));
      printText(`Deleted schedule ${id}.`);
    });
}

/**
 * The timing given by `--every` or `--cron`; exactly one is required.
 *
 * @throws Error naming the two options.
 */
export function scheduleTiming(opts: Pick<ScheduleCreateOptions, 'every' | 'cron'>): ScheduleTiming {
  if (opts.every && opts.cron) throw new Error('give --every or --cron, not both');
  if (opts.every) {
    // Checked before connecting, so a typo fails fast with the accepted forms.
    if (parseDuration(opts.every) === 0) throw new Error('--every must be longer than zero');
    return { every: opts.every };
  }
  if (opts.cron) return { cron: opts.cron };
  throw new Error('give --every <interval> or --cron <expr>');
}

function describeTiming(timing: ScheduleTiming): string {
  return 'every' in timing ? `every ${timing.every}` : `at cron "${timing.cron}"`;
}
