/** `recordAudit`: appends workflow-level audit events (run, plan, approval, abort). Idempotent per event id. */
import { ApplicationFailure } from '@temporalio/activity';
import type { AuditEvent } from '../src/audit/entry';
import { AuditValidationError } from '../src/audit/errors';
import { neutralizeAuditEvent } from '../src/audit/secret-guard';
import { FAILURE_TYPES } from '../src/core/failure-types';
import type { ActivityDeps } from './deps';
import type { AuditEventInput } from './types';

/**
 * Turns a refusal by the audit sink ({@link AuditValidationError}: a malformed event or a secret-looking key)
 * into a non-retryable failure, so a run never retries a deterministic rejection forever; any other error (the
 * sink is unreachable) is returned unchanged and stays retryable. Use it wherever activities append.
 */
export function auditAppendFailure(err: unknown): unknown {
  if (!(err instanceof AuditValidationError)) return err;
  return ApplicationFailure.create({
    message: `audit refused the events: ${err.message}`,
    type: FAILURE_TYPES.auditRejected,
    nonRetryable: true,
  });
}

/**
 * Appends `events` after neutralising their text ({@link neutralizeAuditEvent}: group names and messages are data,
 * so `Bearer AAAA…` or a NUL in a name is redacted or escaped instead of blocking the log).
 *
 * @throws ApplicationFailure `AuditRejected` (non-retryable) when the sink still refuses them.
 */
export async function appendAudit(
  deps: Pick<ActivityDeps, 'audit'>,
  events: readonly AuditEvent[],
): Promise<{ appended: number; skipped: number }> {
  try {
    return await deps.audit.append(events.map((event) => neutralizeAuditEvent(event)));
  } catch (err) {
    throw auditAppendFailure(err);
  }
}

export function makeRecordAudit(deps: ActivityDeps) {
  return async function recordAudit(events: AuditEventInput[]): Promise<{ appended: number; skipped: number }> {
    return appendAudit(deps, events as AuditEvent[]);
  };
}
