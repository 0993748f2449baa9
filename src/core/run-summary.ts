/**
 * The one-line summary a run carries from its start (Temporal's `staticSummary`), so runs are recognisable in the
 * Web UI's workflow list before anyone opens them. Not a secret: it says the mode, the targets and who asked.
 */

/** Longest summary, in characters; long target lists are counted instead of listed. */
export const RUN_SUMMARY_MAX_CHARS = 200;

/** The parts of a run's input the summary speaks of (a `ReconcileInput` fits). */
export interface RunSummaryInput {
  mode: string;
  targetGroups?: readonly string[];
  rulesRef?: string;
  requestedBy?: string;
}

/** E.g. `gcsync apply · groups: Support Tier 1, Sales · rules /etc/gcsync/rules.yaml · by alice`. */
export function runStaticSummary(input: RunSummaryInput): string {
  const parts = [`gcsync ${input.mode === 'plan' ? 'plan (dry run)' : input.mode}`];
  const targets = input.targetGroups ?? [];
  if (targets.length) parts.push(`groups: ${targets.join(', ')}`);
  else parts.push('all groups in the rules');
  if (input.rulesRef) parts.push(`rules ${input.rulesRef}`);
  if (input.requestedBy) parts.push(`by ${input.requestedBy}`);
  let text = oneLine(parts.join(' · '));
  if (Array.from(text).length > RUN_SUMMARY_MAX_CHARS && targets.length) {
    parts[1] = `${targets.length} groups`;
    text = oneLine(parts.join(' · '));
  }
  const chars = Array.from(text);
  return chars.length <= RUN_SUMMARY_MAX_CHARS ? text : chars.slice(0, RUN_SUMMARY_MAX_CHARS - 1).join('') + '…';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
