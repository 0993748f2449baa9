/**
 * Turns errors from the directory into Temporal failures with the right retry behaviour:
 * 429 → retry after `Retry-After`; 5xx, timeouts and network errors → backoff; 401 after re-login → stop;
 * other 4xx → non-retryable, so the run records the group as failed and goes on with the others.
 */
import { ApplicationFailure } from '@temporalio/activity';

/** The shape of a directory error (see `src/genesys/errors.ts`); duck-typed so any layer's error maps. */
export interface DirectoryErrorLike {
  status?: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  correlationId?: string;
}

/** Failure types the workflows match in `nonRetryableErrorTypes`. */
export const FAILURE_TYPES = {
  rateLimited: 'RateLimited',
  unavailable: 'GenesysUnavailable',
  auth: 'GenesysAuthError',
  rejected: 'GroupWriteRejected',
  conflict: 'VersionConflict',
} as const;

/** Default wait when a 429 carries no `Retry-After` (the Genesys SDKs use 3 s). */
const DEFAULT_RETRY_AFTER_SECONDS = 3;

/** HTTP status of a directory error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as DirectoryErrorLike | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** True for the optimistic-lock conflicts Genesys reports (409, or 400 "does not match the current version"). */
export function isVersionConflict(err: unknown): boolean {
  const status = statusOf(err);
  const message = String((err as DirectoryErrorLike | undefined)?.message ?? '');
  return status === 409 || (status === 400 && /does not match the current version/i.test(message));
}

/** Maps any error thrown while talking to Genesys to an `ApplicationFailure`. */
export function toDirectoryFailure(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = (err ?? {}) as DirectoryErrorLike & { name?: string };
  const status = statusOf(err);
  const detail = `${what}: ${e.message ?? String(err)}${status ? ` (HTTP ${status}${e.code ? ` ${e.code}` : ''})` : ''}`;
  const details = [{ status, code: e.code, correlationId: e.correlationId }];
  if (status === 429) {
    const seconds = e.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
    return ApplicationFailure.create({
      message: detail,
      type: FAILURE_TYPES.rateLimited,
      nextRetryDelay: seconds * 1000,
      details,
    });
  }
  if (e.name === 'GenesysAuthError' || status === 401) {
    return ApplicationFailure.create({ message: detail, type: FAILURE_TYPES.auth, nonRetryable: true, details });
  }
  if (status === undefined || status >= 500 || status === 408) {
    return ApplicationFailure.create({ message: detail, type: FAILURE_TYPES.unavailable, details });
  }
  if (isVersionConflict(err)) {
    return ApplicationFailure.create({ message: detail, type: FAILURE_TYPES.conflict, details });
  }
  return ApplicationFailure.create({ message: detail, type: FAILURE_TYPES.rejected, nonRetryable: true, details });
}
