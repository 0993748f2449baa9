/**
 * One error type for everything a Genesys call can reject with. The SDK rejects in four shapes depending on mode
 * and failure: an extended response `{status, headers, body}`, a raw axios error (login, network), a bare ErrorBody
 * (default mode), or anything thrown by our own code. {@link toGenesysApiError} turns each into a
 * {@link GenesysApiError} carrying only plain, secret-free fields.
 */
import {
  normalizeHeaders,
  type RateLimitInfo,
  readCorrelationId,
  readRateLimit,
  readRetryAfter,
  type ResponseHeaders,
} from './headers';

/** Fields of a {@link GenesysApiError}. */
export interface GenesysApiErrorInit {
  /** HTTP status; undefined when no response arrived (network error, timeout). */
  status?: number;
  /** ErrorBody `code` (e.g. `bad.credentials`), OAuth `error` (e.g. `invalid_client`), or the network code (e.g. `ECONNREFUSED`). */
  code?: string;
  message: string;
  /** From `Retry-After`, or from the 429 message "Retry the request in [N] seconds" when the header is missing. */
  retryAfterSeconds?: number;
  /** `ININ-Correlation-Id` header, else the ErrorBody `contextId`. */
  correlationId?: string;
  rateLimit?: RateLimitInfo;
  /** Response headers, lower-cased. */
  headers?: ResponseHeaders;
  /** Parsed response body (an ErrorBody or an OAuth error object). */
  body?: unknown;
}

/**
 * A failed Genesys call. Deliberately holds no reference to the axios error or request: those carry the bearer
 * token and, for logins, the Basic credentials, which a logger serialising `err.cause` would otherwise print.
 */
export class GenesysApiError extends Error {
  override readonly name: string = 'GenesysApiError';
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterSeconds?: number;
  readonly correlationId?: string;
  readonly rateLimit?: RateLimitInfo;
  readonly headers?: ResponseHeaders;
  readonly body?: unknown;

  constructor(init: GenesysApiErrorInit, options?: { cause?: unknown }) {
    super(init.message, options);
    this.status = init.status;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.correlationId = init.correlationId;
    this.rateLimit = init.rateLimit;
    this.headers = init.headers;
    this.body = init.body;
  }
}

/** Logging in failed because the credentials were refused (unknown client, wrong secret). Never retry blindly. */
export class GenesysAuthError extends GenesysApiError {
  override readonly name: string = 'GenesysAuthError';
}

/** Converts any rejection from an SDK call into a {@link GenesysApiError} (returned unchanged if it already is one). */
export function toGenesysApiError(raw: unknown): GenesysApiError {
  if (raw instanceof GenesysApiError) return raw;
  if (isObject(raw) && raw.isAxiosError === true) return fromAxiosError(raw);
  if (isObject(raw) && typeof raw.status === 'number' && 'body' in raw && 'headers' in raw) {
    return fromResponse(raw.status, normalizeHeaders(raw.headers), raw.body);
  }
  if (isObject(raw) && typeof raw.status === 'number' && !(raw instanceof Error)) {
    return fromResponse(raw.status, {}, raw); // default (non-extended) mode: the ErrorBody alone
  }
  // Our own bug or an unexpected throw: keep it as the cause, since it carries no credentials.
  const message = raw instanceof Error ? raw.message : String(raw);
  return new GenesysApiError({ message: `Genesys call failed: ${message}` }, { cause: raw });
}

function fromAxiosError(err: Record<string, unknown>): GenesysApiError {
  const response = err.response;
  if (isObject(response) && typeof response.status === 'number') {
    return fromResponse(response.status, normalizeHeaders(response.headers), response.data);
  }
  const code = typeof err.code === 'string' ? err.code : undefined;
  const detail = typeof err.message === 'string' && err.message ? err.message : 'no response';
  return new GenesysApiError({ code, message: `Genesys request failed without a response: ${detail}` });
}

/** Builds the error for an HTTP response with a non-2xx status. */
export function fromResponse(status: number, headers: ResponseHeaders, body: unknown): GenesysApiError {
  const fields = bodyFields(body);
  const retryAfterSeconds = readRetryAfter(headers) ?? retryAfterFromMessage(fields.message);
  return new GenesysApiError({
    status,
    code: fields.code,
    message: `Genesys API ${status}${fields.code ? ` ${fields.code}` : ''}: ${fields.message ?? 'no error message'}`,
    retryAfterSeconds,
    correlationId: readCorrelationId(headers) ?? fields.contextId,
    rateLimit: readRateLimit(headers),
    headers,
    body,
  });
}

function bodyFields(body: unknown): { code?: string; message?: string; contextId?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 500) || undefined };
  if (!isObject(body)) return {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  return {
    // ErrorBody uses code/message; the OAuth token endpoint uses error/error_description/description.
    code: str(body.code) ?? str(body.error),
    message: str(body.message) ?? str(body.error_description) ?? str(body.description),
    contextId: str(body.contextId),
  };
}

function retryAfterFromMessage(message: string | undefined): number | undefined {
  const match = message?.match(/retry the request in \[?(\d+)\]? seconds?/i);
  return match ? Number(match[1]) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
