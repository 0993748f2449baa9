/**
 * An aborted run (invalid rules, an unknown group, a directory read that could not be trusted, ...) ends as a
 * *failed* workflow, so the Web UI does not show it as a green "Completed": a non-retryable `RunAborted`
 * ApplicationFailure whose message is the abort reason and whose details carry the run's {@link ReconcileResult}.
 * The typed client turns it back into that result (`status: 'aborted'`), so callers see what they always saw.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ReconcileResult } from './messages';

/** Failure type of an aborted run. */
export const RUN_ABORTED_FAILURE = 'RunAborted';

/** The failure an aborted run ends with; `result.status` is `aborted` and `result.error` the precise reason. */
export function runAbortedFailure(result: ReconcileResult): ApplicationFailure {
  return ApplicationFailure.create({
    type: RUN_ABORTED_FAILURE,
    message: result.error ?? 'the run was aborted',
    nonRetryable: true,
    details: [result],
  });
}

/** Whether `err` is the failure an aborted run ends with (already audited and notified as aborted). */
export function isRunAborted(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === RUN_ABORTED_FAILURE;
}

/**
 * The result an aborted run carries in its failure, or `undefined` when `failure` is not a `RunAborted` failure
 * (look at the `cause` of a client's `WorkflowFailedError`).
 */
export function abortedResultOf(failure: unknown): ReconcileResult | undefined {
  if (!(failure instanceof ApplicationFailure) || failure.type !== RUN_ABORTED_FAILURE) return undefined;
  const [result] = (failure.details ?? []) as unknown[];
  if (typeof result !== 'object' || result === null || (result as ReconcileResult).status !== 'aborted')
    return undefined;
  return result as ReconcileResult;
}
