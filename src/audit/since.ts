/** Parsing of the `since` read option shared by all sinks. */
import { AuditValidationError } from './errors';

/** Parses `since` to epoch milliseconds; `undefined` when absent. Throws on a value that is not a date. */
export function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = Date.parse(since);
  if (Number.isNaN(ms))
    throw new AuditValidationError(`since must be an ISO-8601 instant, got ${JSON.stringify(since)}`);
  return ms;
}

/** True when an entry's `at` is at or after `sinceMs` (always true without a filter). */
export function isAtOrAfter(at: unknown, sinceMs: number | undefined): boolean {
  return sinceMs === undefined || (typeof at === 'string' && Date.parse(at) >= sinceMs);
}
