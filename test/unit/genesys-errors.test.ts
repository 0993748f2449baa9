import { GenesysApiError, GenesysAuthError, toGenesysApiError } from '../../src/genesys/api-error';
import { classifyGenesysError } from '../../src/genesys/errors';
import { normalizeHeaders, readRetryAfter } from '../../src/genesys/headers';

/** The shape the SDK rejects with when extended responses are on. */
function extended(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, statusText: '', headers, body, text: '', error: new Error('axios error') };
}

function errorBody(status: number, code: string, message: string) {
  return { status, code, message, contextId: 'ctx-1', details: [], errors: [] };
}

describe('toGenesysApiError', () => {
  it('reads status, code, message, Retry-After, correlation id and rate limit from an extended rejection', () => {
    const err = toGenesysApiError(
      extended(
        429,
        errorBody(
          429,
          'too.many.requests.retry.after',
          'Rate limit exceeded the maximum. Retry the request in [7] seconds',
        ),
        {
          'retry-after': '7',
          'inin-correlation-id': 'corr-9',
          'inin-ratelimit-count': '301',
          'inin-ratelimit-allowed': '300',
          'inin-ratelimit-reset': '42',
        },
      ),
    );
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err).toMatchObject({
      status: 429,
      code: 'too.many.requests.retry.after',
      retryAfterSeconds: 7,
      correlationId: 'corr-9',
      rateLimit: { count: 301, allowed: 300, reset: 42 },
    });
    expect(err.message).toBe(
      'Genesys API 429 too.many.requests.retry.after: Rate limit exceeded the maximum. Retry the request in [7] seconds',
    );
  });

  it('falls back to the message for Retry-After and to contextId for the correlation id', () => {
    const err = toGenesysApiError(errorBody(429, 'too.many.requests.retry.after', 'Retry the request in [12] seconds'));
    expect(err.status).toBe(429);
    expect(err.retryAfterSeconds).toBe(12);
    expect(err.correlationId).toBe('ctx-1');
  });

  it('turns an axios network error into a status-less error with the code, dropping the request', () => {
    const axiosError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      isAxiosError: true,
      code: 'ECONNREFUSED',
      config: { headers: { Authorization: 'Bearer SECRET-TOKEN' } },
    });
    const err = toGenesysApiError(axiosError);
    expect(err.status).toBeUndefined();
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.cause).toBeUndefined();
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('SECRET-TOKEN');
  });

  it('reads an axios error with a response (the login path), including the OAuth body', () => {
    const err = toGenesysApiError({
      isAxiosError: true,
      message: 'Request failed with status code 400',
      response: {
        status: 400,
        headers: { 'ININ-Correlation-Id': 'c-2' },
        data: { error: 'invalid_client', description: 'client not found', error_description: 'client not found' },
      },
    });
    expect(err).toMatchObject({ status: 400, code: 'invalid_client', correlationId: 'c-2' });
    expect(err.message).toBe('Genesys API 400 invalid_client: client not found');
  });

  it('wraps our own errors, keeping them as the cause', () => {
    const bug = new TypeError('x is undefined');
    const err = toGenesysApiError(bug);
    expect(err.status).toBeUndefined();
    expect(err.cause).toBe(bug);
    expect(toGenesysApiError(err)).toBe(err);
  });
});

describe('classifyGenesysError', () => {
  it.each([
    ['429', extended(429, errorBody(429, 'too.many.requests', 'slow down'), { 'retry-after': '3' }), 'rate-limited', 3],
    [
      'token endpoint throttled',
      extended(400, { error: 'invalid_request', error_description: 'rate limit exceeded; try later' }),
      'rate-limited',
      undefined,
    ],
    [
      '409',
      extended(409, errorBody(409, 'general.conflict', 'Resource conflict - Unexpected version was provided')),
      'conflict',
      undefined,
    ],
    [
      '400 version mismatch',
      extended(400, errorBody(400, 'bad.request', 'The version 3 does not match the current version 4')),
      'conflict',
      undefined,
    ],
    ['500', extended(500, errorBody(500, 'internal.server.error', 'oops')), 'server', undefined],
    [
      '503 with Retry-After',
      extended(503, errorBody(503, 'service.unavailable', 'x'), { 'retry-after': '5' }),
      'server',
      5,
    ],
    ['408', extended(408, errorBody(408, 'client.timeout', 'x')), 'server', undefined],
    ['401', extended(401, errorBody(401, 'bad.credentials', 'Invalid login credentials.')), 'auth', undefined],
    ['403', extended(403, errorBody(403, 'missing.permissions', 'no')), 'client', undefined],
    ['404', extended(404, errorBody(404, 'not.found', 'no')), 'client', undefined],
    ['other 400', extended(400, errorBody(400, 'bad.request', 'too many ids')), 'client', undefined],
    ['ECONNRESET', { isAxiosError: true, code: 'ECONNRESET', message: 'socket hang up' }, 'network', undefined],
    [
      'axios timeout',
      { isAxiosError: true, code: 'ECONNABORTED', message: 'timeout of 16000ms exceeded' },
      'network',
      undefined,
    ],
    ['our bug', new TypeError('boom'), 'client', undefined],
  ])('%s', (_name, raw, kind, retryAfterSeconds) => {
    const result = classifyGenesysError(raw);
    expect(result.kind).toBe(kind);
    expect(result.retryAfterSeconds).toBe(retryAfterSeconds);
    expect(result.retryable).toBe(['rate-limited', 'conflict', 'server', 'network'].includes(kind));
  });

  it('classifies refused credentials as auth', () => {
    expect(classifyGenesysError(new GenesysAuthError({ status: 400, message: 'refused' }))).toEqual({
      kind: 'auth',
      retryable: false,
    });
  });
});

describe('headers', () => {
  it('normalizes AxiosHeaders-like objects and arrays', () => {
    const axiosLike = { toJSON: () => ({ 'Retry-After': '2', 'set-cookie': ['a', 'b'], skipped: undefined }) };
    expect(normalizeHeaders(axiosLike)).toEqual({ 'retry-after': '2', 'set-cookie': 'a, b' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(readRetryAfter({ 'retry-after': '9' }, now)).toBe(9);
    expect(readRetryAfter({ 'retry-after': 'Sun, 29 Nov 2026 10:00:30 GMT' }, now)).toBe(30);
    expect(readRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(readRetryAfter({}, now)).toBeUndefined();
  });
});
