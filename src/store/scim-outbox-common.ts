/** Constants and checks shared by the local and PostgreSQL SCIM outboxes. */

/**
 * How long a delta key is remembered after it was recorded. A key only has to outlive the retries of the activity that
 * records it (`notifyScim`: 10 attempts of at most 5 minutes) and any zombie attempt; a week is far beyond that, and
 * keeps a local outbox file small even for a group that changes on every run of a 5-minute schedule (~2,000 keys).
 */
export const SCIM_OUTBOX_KEY_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Checks an id used as an outbox key or member id. */
export function assertOutboxId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
}

/** Normalises an ISO time (default now), rejecting what is not one. */
export function isoTime(value: string | undefined): string {
  if (value === undefined) return new Date().toISOString();
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`invalid ISO time ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}
