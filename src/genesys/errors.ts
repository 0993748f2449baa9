/**
 * Decides what kind of failure a Genesys call hit, which is what the apply step's retry policy keys on:
 * wait and retry (rate-limited), re-read and recompute (conflict), back off (server, network), or give up
 * (auth, client).
 */
import { GenesysApiError, GenesysAuthError, toGenesysApiError } from './api-error';

/** Failure kinds; see {@link classifyGenesysError}. */
export type GenesysErrorKind = 'rate-limited' | 'conflict' | 'server' | 'network' | 'auth' | 'client';

/** Result of {@link classifyGenesysError}. */
export interface GenesysErrorClassification {
  kind: GenesysErrorKind;
  /** True for rate-limited, conflict, server and network. */
  retryable: boolean;
  /** Seconds the service asked us to wait (429 `Retry-After`), when known. */
  retryAfterSeconds?: number;
}

const RETRYABLE: ReadonlySet<GenesysErrorKind> = new Set(['rate-limited', 'conflict', 'server', 'network']);

// Node/axios codes for "no usable response": connection refused/reset, DNS, timeouts, aborted sockets.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Classifies any rejection of a Genesys call (raw SDK rejection or {@link GenesysApiError}):
 * - `rate-limited`: 429, and the token endpoint's 400 `invalid_request` "rate limit exceeded";
 * - `conflict`: 409, and 400 whose message contains "does not match the current version" (CX as Code treats both
 *   as a version mismatch; reference §3.3);
 * - `server`: 5xx and 408 (request timeout);
 * - `network`: no response at all (connection refused/reset, DNS, client-side timeout);
 * - `auth`: refused credentials ({@link GenesysAuthError}) and 401 (the client already re-logged in once);
 * - `client`: any other 4xx, including 403 (a permission on one group should fail that group, not the run),
 *   and errors that did not come from an HTTP exchange at all (our own bugs: retrying will not help).
 */
export function classifyGenesysError(err: unknown): GenesysErrorClassification {
  const e = toGenesysApiError(err);
  const kind = kindOf(e);
  const result: GenesysErrorClassification = { kind, retryable: RETRYABLE.has(kind) };
  if (e.retryAfterSeconds !== undefined && (kind === 'rate-limited' || kind === 'server')) {
    result.retryAfterSeconds = e.retryAfterSeconds;
  }
  return result;
}

function kindOf(e: GenesysApiError): GenesysErrorKind {
  if (e instanceof GenesysAuthError) return 'auth';
  const status = e.status;
  if (status === undefined) return e.code && NETWORK_CODES.has(e.code) ? 'network' : 'client';
  const message = bodyMessage(e).toLowerCase();
  if (status === 429) return 'rate-limited';
  if (status === 400 && e.code === 'invalid_request' && message.includes('rate limit exceeded')) return 'rate-limited';
  if (status === 409) return 'conflict';
  if (status === 400 && message.includes('does not match the current version')) return 'conflict';
  if (status >= 500 || status === 408) return 'server';
  if (status === 401) return 'auth';
  return 'client';
}

function bodyMessage(e: GenesysApiError): string {
  const body = e.body;
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    return [b.message, b.error_description, b.description].filter((v) => typeof v === 'string').join(' ');
  }
  return e.message;
}
