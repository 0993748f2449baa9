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
  config: 'ConfigError',
} as const;

/** Failures no retry can fix, for the read and planning activities' retry policies. */
export const NON_RETRYABLE_READ_FAILURES: string[] = [
  FAILURE_TYPES.auth,
  FAILURE_TYPES.config,
  FAILURE_TYPES.snapshotInconsistent,
  FAILURE_TYPES.invalidData,
];
