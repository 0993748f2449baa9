/**
 * Turns errors from the directory into Temporal failures with the right retry behaviour (classification by
 * `classifyGenesysError`): 429 → retry after `Retry-After`; 5xx, timeouts and network errors → backoff;
 * refused credentials → stop; other 4xx → non-retryable, so the run records the group as failed and goes on.
 * A call interrupted because its activity was cancelled (or timed out) is neither: it is a retryable
 * `ActivityCancelled`, never a rejected write.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { toGenesysApiError } from '../src/genesys/api-error';
import { classifyGenesysError } from '../src/genesys/errors';
import { IncompleteListingError } from '../src/genesys/listing';
import { WaitCancelledError } from '../src/genesys/wait';

import { FAILURE_TYPES } from '../src/core/failure-types';

export { FAILURE_TYPES };

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

function isWaitCancelled(err: unknown): err is Error {
  return err instanceof WaitCancelledError || (err instanceof Error && err.name === 'AbortError');
}

/** Maps any error thrown while talking to Genesys to an `ApplicationFailure`. */
export function toDirectoryFailure(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof IncompleteListingError) {
    // Reading it again gives the same partial page: stop, and plan or write nothing from it.
    return ApplicationFailure.create({
      message: `${what}: ${err.message}`,
      type: FAILURE_TYPES.snapshotInconsistent,
      nonRetryable: true,
    });
  }
  if (err instanceof CancelledFailure || isWaitCancelled(err)) {
    // The Genesys client stopped waiting (pacer slot, 429) because this attempt was cancelled or timed out.
    // Retryable and not a rejection: the caller must not record the group or its members as failed.
    return ApplicationFailure.create({
      message: `${what}: cancelled while waiting for Genesys (${err.message})`,
      type: FAILURE_TYPES.cancelled,
      cause: err,
    });
  }
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
