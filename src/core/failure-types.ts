/**
 * Failure type names, in one module that both the workflows (retry policies' `nonRetryableErrorTypes`, abort
 * reasons) and the activities (which throw them) import. Pure constants: safe in workflow code.
 */
export const FAILURE_TYPES = {
  rateLimited: 'RateLimited',
  unavailable: 'GenesysUnavailable',
  auth: 'GenesysAuthError',
  rejected: 'GroupWriteRejected',
  conflict: 'VersionConflict',
  /** A wait (pacer, 429) stopped because the activity was cancelled: retryable, never a rejected write. */
  cancelled: 'ActivityCancelled',
  /** The users listing did not add up after every allowed re-list, or was cut short: nothing may be planned. */
  snapshotInconsistent: 'SnapshotInconsistent',
  /** Data that can never be planned from (a deterministic failure: retrying cannot help). */
  invalidData: 'InvalidData',
  planNotFound: 'PlanNotFound',
  /** The audit sink refused the events (malformed, or a secret-looking key): the same events would be refused again. */
  auditRejected: 'AuditRejected',
  /** The IdP is unreachable, throttling or failing (5xx, 429, timeout): retryable. */
  scimUnavailable: 'ScimUnavailable',
  /** The IdP refused a PatchOp (a 4xx other than 429): retrying would be refused again. */
  scimRejected: 'ScimRejected',
  /** SCIM is on but cannot work as configured (no outbox, invalid input): retrying cannot help. */
  scimMisconfigured: 'ScimMisconfigured',
  /** Another deliverer holds the IdP group's outbox lease: retryable. */
  scimOutboxBusy: 'ScimOutboxBusy',
  /** The webhook refused a run notification (a 4xx other than 408/425/429): sending it again is pointless. */
  notifyRejected: 'NotifyRejected',
  /** A run notification may get through on a later attempt (timeout, network, 5xx, 429). */
  notifyFailed: 'NotifyFailed',
} as const;

/** One of the failure type names above. */
export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];

/** Failures no retry can fix, for the read and planning activities' retry policies. */
export const NON_RETRYABLE_READ_FAILURES: string[] = [
  FAILURE_TYPES.auth,
  FAILURE_TYPES.snapshotInconsistent,
  FAILURE_TYPES.invalidData,
];
