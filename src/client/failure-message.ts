/**
 * The most specific message in an error's `cause` chain. Temporal wraps the reason a run failed
 * (`WorkflowFailedError` → `ApplicationFailure` → …); operators want the innermost reason, not "Workflow execution
 * failed".
 */
export function failureMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}
