/**
 * SCIM notification failures and their classification. Pure: no I/O, so every branch is unit-testable.
 *
 * Errors are built from scratch rather than wrapping axios errors, because an axios error's `config` carries the
 * request headers, bearer token included, and would drag them into logs, Temporal failures and history.
 */

/** What went wrong: an HTTP error answer, no answer at all, no answer in time, or the caller gave up. */
export type ScimErrorKind = 'http' | 'network' | 'timeout' | 'cancelled';

/** Where the failure happened and how the caller should react. */
export interface ScimErrorInfo {
  kind: ScimErrorKind;
  /** Whether sending the same chunk again can succeed (429, 5xx except 501, network, timeout). */
  retryable: boolean;
  /** IdP group the PATCH targeted. */
  idpGroupId: string;
  /** Zero-based index of the chunk that failed; chunks before it were applied. */
  chunkIndex: number;
  totalChunks: number;
  /** HTTP status, for `kind: 'http'`. */
  status?: number;
  /** SCIM error `scimType` from the response body, when the peer sent one. */
  scimType?: string;
  /** SCIM error `detail` (or a prefix of a non-SCIM body), token redacted, truncated. */
  detail?: string;
  /** Seconds the peer asked to wait (`Retry-After`), when it said so. */
  retryAfterSeconds?: number;
  /** Node/axios error code for `kind: 'network' | 'timeout' | 'cancelled'`, e.g. `ECONNREFUSED`. */
  code?: string;
}

/**
 * A failed SCIM PATCH. Carries no request data (headers, token, body); `retryable` and `retryAfterSeconds` tell a
 * Temporal activity whether to fail non-retryably and how long the next retry should wait.
 */
export class ScimError extends Error implements ScimErrorInfo {
  override readonly name = 'ScimError';
  readonly kind: ScimErrorKind;
  readonly retryable: boolean;
  readonly idpGroupId: string;
  readonly chunkIndex: number;
  readonly totalChunks: number;
  readonly status?: number;
  readonly scimType?: string;
  readonly detail?: string;
  readonly retryAfterSeconds?: number;
  readonly code?: string;

  constructor(info: ScimErrorInfo) {
    super(describe(info));
    this.kind = info.kind;
    this.retryable = info.retryable;
    this.idpGroupId = info.idpGroupId;
    this.chunkIndex = info.chunkIndex;
    this.totalChunks = info.totalChunks;
    if (info.status !== undefined) this.status = info.status;
    if (info.scimType !== undefined) this.scimType = info.scimType;
    if (info.detail !== undefined) this.detail = info.detail;
    if (info.retryAfterSeconds !== undefined) this.retryAfterSeconds = info.retryAfterSeconds;
    if (info.code !== undefined) this.code = info.code;
  }
}

/** Where a request went, for building errors. */
export interface ScimRequestSite {
  idpGroupId: string;
  chunkIndex: number;
  totalChunks: number;
}

const MAX_DETAIL_LENGTH = 500;

/** Whether an HTTP status means the PatchOp was applied. */
export function isScimSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Whether a non-2xx status is worth retrying: 408, 425 and 429 are about timing, and 5xx are the peer's trouble —
 * except 501, which says PATCH is not implemented and will stay so. Everything else (3xx, since redirects are not
 * followed with a bearer token; 400/401/403/404/409/412…) needs a human.
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 425 || status === 429) return true;
  return status >= 500 && status !== 501;
}

/**
 * Builds the error for an HTTP answer that is not 2xx.
 *
 * @param body - the response body as text (may be empty or not SCIM at all).
 * @param retryAfter - the raw `Retry-After` header.
 * @param redact - removes secrets from peer-provided text, in case the peer echoes the request.
 */
export function httpError(
  site: ScimRequestSite,
  status: number,
  body: string,
  retryAfter: string | undefined,
  redact: (text: string) => string,
  now: number = Date.now(),
): ScimError {
  const { scimType, detail } = parseScimErrorBody(body);
  return new ScimError({
    ...site,
    kind: 'http',
    status,
    retryable: isRetryableStatus(status),
    scimType: scimType === undefined ? undefined : truncate(redact(scimType)),
    detail: detail === undefined ? undefined : truncate(redact(detail)),
    retryAfterSeconds: parseRetryAfter(retryAfter, now),
  });
}

/**
 * Builds the error for a request that got no HTTP answer. Timeouts and connection failures are retryable;
 * cancellation (the caller's abort signal) is not, since the caller asked to stop.
 */
export function transportError(
  site: ScimRequestSite,
  code: string | undefined,
  message: string,
  redact: (text: string) => string,
): ScimError {
  const kind: ScimErrorKind =
    code === 'ERR_CANCELED' ? 'cancelled' : code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timeout' : 'network';
  return new ScimError({
    ...site,
    kind,
    retryable: kind !== 'cancelled',
    code,
    detail: truncate(redact(message)),
  });
}

/**
 * Reads `Retry-After` as whole seconds: delta-seconds as given, an HTTP-date as the time left until then (at least 0).
 * Anything unparseable yields `undefined` rather than a guess.
 */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) return Number(value);
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Extracts `scimType` and `detail` from a SCIM Error body (RFC 7644 §3.12). A body that is not a SCIM error is kept
 * as detail (trimmed) so that proxies' HTML or plain-text answers still reach the operator.
 */
export function parseScimErrorBody(body: string): { scimType?: string; detail?: string } {
  const text = body.trim();
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { scimType, detail } = parsed as Record<string, unknown>;
      const result: { scimType?: string; detail?: string } = {};
      if (typeof scimType === 'string' && scimType !== '') result.scimType = scimType;
      if (typeof detail === 'string' && detail !== '') result.detail = detail;
      if (result.scimType !== undefined || result.detail !== undefined) return result;
    }
  } catch {
    // Not JSON: fall through and keep the raw text.
  }
  return { detail: text };
}

/** Returns a function that replaces every occurrence of the given secrets with `[redacted]`. */
export function redactor(...secrets: string[]): (text: string) => string {
  const present = secrets.filter((secret) => secret.length > 0);
  return (text) => present.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function describe(info: ScimErrorInfo): string {
  const where = `SCIM PATCH Groups/${info.idpGroupId} chunk ${info.chunkIndex + 1}/${info.totalChunks}`;
  const what =
    info.kind === 'http'
      ? `HTTP ${String(info.status)}`
      : info.kind === 'timeout'
        ? 'timed out'
        : info.kind === 'cancelled'
          ? 'cancelled'
          : `network error${info.code === undefined ? '' : ` ${info.code}`}`;
  const facts: string[] = [];
  if (info.scimType !== undefined) facts.push(`scimType=${info.scimType}`);
  if (info.detail !== undefined) facts.push(`detail=${JSON.stringify(info.detail)}`);
  if (info.retryAfterSeconds !== undefined) facts.push(`retryAfter=${info.retryAfterSeconds}s`);
  const tail = facts.length > 0 ? ` (${facts.join(', ')})` : '';
  return `${where} failed: ${what}${tail}; ${info.retryable ? 'retryable' : 'not retryable'}`;
}

function truncate(text: string): string {
  return text.length <= MAX_DETAIL_LENGTH ? text : `${text.slice(0, MAX_DETAIL_LENGTH)}…`;
}
