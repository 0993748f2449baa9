/** `gcsync validate`: check a rules file offline (no Temporal, no Genesys). Exit 0 valid, 1 invalid. */
import type { Command } from 'commander';
import { loadRulesFile } from '../../config/rules-file';
import { RulesValidationError } from '../../core/rules-validate';
import type { RulesDocument } from '../../core/rules-schema';
import { rulesNeedExpand } from '../../core/rules-expand';
import { EXIT_ERROR, EXIT_OK } from '../output/exit-codes';
import { printJson, printNote, printText } from '../output/print';
import { plural } from '../output/plural';

/** Options of `gcsync validate`. */
export interface ValidateOptions {
  rules: string;
  json?: boolean;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check a rules file (schema, regexes, nesting) offline: no Temporal, no Genesys')
    .requiredOption('--rules <file>', 'rules file (YAML or JSON)')
    .option('--json', 'print {valid, issues} as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 valid, 1 invalid (every problem is printed as file: path: reason).

Examples:
  $ gcsync validate --rules rules.yaml
  $ gcsync validate --rules rules.yaml --json`,
    )
    .action((opts: ValidateOptions) => {
      process.exitCode = runValidate(opts);
    });
}

/** Validates the file, prints the outcome and returns the exit code. */
export function runValidate(opts: ValidateOptions): number {
  let doc: RulesDocument;
  try {
    doc = loadRulesFile(opts.rules);
  } catch (err) {
    if (!(err instanceof RulesValidationError)) throw err;
    if (opts.json) printJson({ valid: false, file: opts.rules, issues: err.issues });
    else printNote(`${err.message}\n${opts.rules}: invalid (${plural(err.issues.length, 'problem')})`);
    return EXIT_ERROR;
  }
  if (opts.json) printJson({ valid: true, file: opts.rules, groups: doc.groups.map((g) => g.group) });
  else printText(describeValid(opts.rules, doc));
  return EXIT_OK;
}

/** `rules.yaml: valid: 2 groups (exact 1, additive 1); approval auto, ...`. */
export function describeValid(file: string, doc: RulesDocument): string {
  const modes = new Map<string, number>();
  for (const g of doc.groups) modes.set(g.mode, (modes.get(g.mode) ?? 0) + 1);
  const modeText = [...modes].map(([mode, n]) => `${mode} ${n}`).join(', ');
  const p = doc.policy;
  const expand = rulesNeedExpand(doc);
  return [
    `${file}: valid: ${plural(doc.groups.length, 'group')} (${modeText})`,
    `policy: requireApproval ${p.requireApproval}, maxRemovals ${p.maxRemovals}, maxRemovalRatio ${p.maxRemovalRatio}, approvalTimeout ${p.approvalTimeout}`,
    `user attributes read: ${expand.length ? `expand=${expand.join(',')}` : 'no expand needed'}`,
  ].join('\n');
}
