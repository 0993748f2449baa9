/**
 * Turns errors from the directory into Temporal failures with the right retry behaviour (classification by
 * `classifyGenesysError`): 429 → retry after `Retry-After`; 5xx, timeouts and network errors → backoff;
 * refused credentials → stop; other 4xx → non-retryable, so the run records the group as failed and goes on.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { toGenesysApiError } from '../src/genesys/api-error';
import { classifyGenesysError } from '../src/genesys/errors';

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
  return toGenesysApiError(err).status;
}

/** True for the optimistic-lock conflicts Genesys reports (409, or 400 "does not match the current version"). */
export function isVersionConflict(err: unknown): boolean {
  return !(err instanceof ApplicationFailure) && classifyGenesysError(err).kind === 'conflict';
}

/** Maps any error thrown while talking to Genesys to an `ApplicationFailure`. */
export function toDirectoryFailure(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = toGenesysApiError(err);
  const { kind, retryAfterSeconds } = classifyGenesysError(err);
  const message = `${what}: ${e.message}${e.status ? ` (HTTP ${e.status}${e.code ? ` ${e.code}` : ''})` : ''}`;
  const details = [{ status: e.status, code: e.code, correlationId: e.correlationId }];
  switch (kind) {
    case 'rate-limited':
      return ApplicationFailure.create({
        message,
        type: FAILURE_TYPES.rateLimited,
        nextRetryDelay: (retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) * 1000,
        details,
      });
    case 'server':
    case 'network':
      return ApplicationFailure.create({ message, type: FAILURE_TYPES.unavailable, details });
    case 'conflict':
      return ApplicationFailure.create({ message, type: FAILURE_TYPES.conflict, details });
    case 'auth':
      return ApplicationFailure.create({ message, type: FAILURE_TYPES.auth, nonRetryable: true, details });
    case 'client':
      return ApplicationFailure.create({ message, type: FAILURE_TYPES.rejected, nonRetryable: true, details });
  }
}
