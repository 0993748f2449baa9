/**
 * Counting group outcomes into a run's progress and totals: the parent adds each outcome as its children report it
 * (live progress) and sums the children's results at the end (authoritative totals), with the same arithmetic.
 */

/** What one group's apply came to, as far as counting goes. */
export interface CountedOutcome {
  added: number;
  removed: number;
  failed: boolean;
}

/** Sums of a set of outcomes. */
export interface OutcomeSums {
  groupsDone: number;
  added: number;
  removed: number;
  failedGroups: number;
}

/** Adds one outcome to `sums` in place (the workflow's live progress object). */
export function addOutcome(sums: OutcomeSums, outcome: CountedOutcome): void {
  sums.groupsDone += 1;
  sums.added += outcome.added;
  sums.removed += outcome.removed;
  if (outcome.failed) sums.failedGroups += 1;
}

/** The sums of `outcomes`. */
export function sumOutcomes(outcomes: Iterable<CountedOutcome>): OutcomeSums {
  const sums: OutcomeSums = { groupsDone: 0, added: 0, removed: 0, failedGroups: 0 };
  for (const outcome of outcomes) addOutcome(sums, outcome);
  return sums;
}
