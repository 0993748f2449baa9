/** Constants and checks shared by the local and PostgreSQL SCIM outboxes. */

/** How long a delta key is remembered after it was recorded; far beyond any activity's retries. */
export const SCIM_OUTBOX_KEY_RETENTION_MS = 30 * 24 * 3600 * 1000;

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
