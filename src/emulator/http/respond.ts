/**
 * Writing answers. Every answer carries `ININ-Correlation-Id` and the three `inin-ratelimit-*` headers, as real
 * Genesys responses do; errors carry the same correlation id as `contextId`.
 */
import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors';
import type { RateLimitStatus } from '../rate-limiter';

/** Per-request values every answer needs. */
export interface ResponseContext {
  readonly correlationId: string;
  /** Values for the `inin-ratelimit-*` headers. */
  rate: RateLimitStatus;
}

function baseHeaders(ctx: ResponseContext): Record<string, string | number> {
  return {
    'ININ-Correlation-Id': ctx.correlationId,
    'inin-ratelimit-count': ctx.rate.count,
    'inin-ratelimit-allowed': ctx.rate.limit,
    'inin-ratelimit-reset': ctx.rate.resetSeconds,
  };
}

/** Sends `body` as JSON (or an empty body when undefined) with the standard headers. */
export function sendJson(
  res: ServerResponse,
  ctx: ResponseContext,
  status: number,
  body: unknown,
  extraHeaders?: Record<string, string>,
): void {
  const headers = baseHeaders(ctx);
  if (extraHeaders) Object.assign(headers, extraHeaders);
  if (body === undefined) {
    headers['Content-Length'] = 0;
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}

/** Sends an ApiError as an ErrorBody (plus any headers it carries, e.g. `Retry-After`). */
export function sendError(res: ServerResponse, ctx: ResponseContext, err: ApiError): void {
  sendJson(res, ctx, err.status, err.toBody(ctx.correlationId), err.extra.headers);
}
