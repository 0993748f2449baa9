/**
 * Reading Genesys response headers: the rate-limit budget (`inin-ratelimit-*`), `Retry-After` and the correlation id.
 * Works on axios' `AxiosHeaders` (what the SDK's extended responses carry) as well as plain objects.
 */

/** Lower-cased header names mapped to string values. */
export type ResponseHeaders = Readonly<Record<string, string>>;

/** The `inin-ratelimit-*` headers: requests used in the window, the window's limit, seconds until it resets. */
export interface RateLimitInfo {
  count: number;
  allowed: number;
  reset: number;
}

/** Copies any header container into a plain object with lower-cased names; arrays are joined with `, `. */
export function normalizeHeaders(raw: unknown): ResponseHeaders {
  if (raw === null || typeof raw !== 'object') return {};
  const source =
    typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): unknown }).toJSON() : raw;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
}

/** The rate-limit budget, or undefined unless all three headers are present and numeric. */
export function readRateLimit(headers: ResponseHeaders): RateLimitInfo | undefined {
  const count = toNumber(headers['inin-ratelimit-count']);
  const allowed = toNumber(headers['inin-ratelimit-allowed']);
  const reset = toNumber(headers['inin-ratelimit-reset']);
  if (count === undefined || allowed === undefined || reset === undefined) return undefined;
  return { count, allowed, reset };
}

/**
 * `Retry-After` in seconds. Genesys sends whole seconds; an HTTP date (also legal per RFC 9110) is converted
 * relative to `now`.
 */
export function readRetryAfter(headers: ResponseHeaders, now: number = Date.now()): number | undefined {
  const raw = headers['retry-after']?.trim();
  if (!raw) return undefined;
  const seconds = toNumber(raw);
  if (seconds !== undefined) return Math.max(0, seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The `ININ-Correlation-Id` header, which Genesys support asks for. */
export function readCorrelationId(headers: ResponseHeaders): string | undefined {
  return headers['inin-correlation-id'] || undefined;
}

function toNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
