import {
  ScimError,
  httpError,
  isRetryableStatus,
  parseRetryAfter,
  parseScimErrorBody,
  redactor,
  transportError,
} from '../../src/scim/errors';

const site = { idpGroupId: 'g-1', chunkIndex: 2, totalChunks: 5 };
const TOKEN = 's3cr3t-token-value';
const redact = redactor(TOKEN);
const scimError = (status: number, scimType: string | undefined, detail: string) =>
  JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(status),
    scimType,
    detail,
  });

describe('isRetryableStatus', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('%p is retryable', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });
  it.each([301, 302, 400, 401, 403, 404, 409, 412, 413, 501])('%p is not retryable', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP-date as seconds from now, never negative', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unparseable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('parseScimErrorBody', () => {
  it('extracts scimType and detail from a SCIM Error', () => {
    expect(parseScimErrorBody(scimError(400, 'invalidPath', 'bad path'))).toEqual({
      scimType: 'invalidPath',
      detail: 'bad path',
    });
  });
  it('keeps a non-SCIM body as detail', () => {
    expect(parseScimErrorBody('<html>Bad Gateway</html>\n')).toEqual({ detail: '<html>Bad Gateway</html>' });
    expect(parseScimErrorBody('')).toEqual({});
  });
});

describe('httpError', () => {
  it('makes 401 non-retryable with scimType and detail in the message', () => {
    const err = httpError(site, 401, scimError(401, undefined, 'Bearer token missing'), undefined, redact);

    expect(err).toBeInstanceOf(ScimError);
    expect(err).toMatchObject({ kind: 'http', status: 401, retryable: false, chunkIndex: 2, idpGroupId: 'g-1' });
    expect(err.message).toBe(
      'SCIM PATCH Groups/g-1 chunk 3/5 failed: HTTP 401 (detail="Bearer token missing"); not retryable',
    );
  });

  it('puts scimType into the message for 400', () => {
    const err = httpError(site, 400, scimError(400, 'invalidPath', 'Invalid path'), undefined, redact);
    expect(err.message).toContain('scimType=invalidPath');
    expect(err.retryable).toBe(false);
  });

  it('makes 429 retryable with Retry-After seconds', () => {
    const err = httpError(site, 429, scimError(429, undefined, 'slow down'), '12', redact);
    expect(err).toMatchObject({ retryable: true, retryAfterSeconds: 12 });
    expect(err.message).toContain('retryAfter=12s');
  });

  it('redacts the token when the peer echoes it back', () => {
    const err = httpError(site, 403, scimError(403, undefined, `token ${TOKEN} not allowed`), undefined, redact);
    expect(err.message).not.toContain(TOKEN);
    expect(err.detail).toBe('token [redacted] not allowed');
    expect(JSON.stringify(err)).not.toContain(TOKEN);
  });

  it('truncates long details', () => {
    const err = httpError(site, 500, 'x'.repeat(5000), undefined, redact);
    expect(err.detail?.length).toBeLessThanOrEqual(501);
    expect(err.retryable).toBe(true);
  });

  it('carries no cause', () => {
    expect(httpError(site, 500, '', undefined, redact).cause).toBeUndefined();
  });
});

describe('transportError', () => {
  it('classifies timeouts, cancellations and network failures', () => {
    expect(transportError(site, 'ETIMEDOUT', 'timeout of 10ms exceeded', redact)).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    expect(transportError(site, 'ECONNABORTED', 'timeout', redact).kind).toBe('timeout');
    expect(transportError(site, 'ERR_CANCELED', 'canceled', redact)).toMatchObject({
      kind: 'cancelled',
      retryable: false,
    });
    const refused = transportError(site, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', redact);
    expect(refused).toMatchObject({ kind: 'network', retryable: true, code: 'ECONNREFUSED' });
    expect(refused.message).toContain('network error ECONNREFUSED');
  });
});

describe('redactor', () => {
  it('replaces every occurrence and ignores empty secrets', () => {
    expect(redactor('ab', '')('xabyab')).toBe('x[redacted]y[redacted]');
  });
});
