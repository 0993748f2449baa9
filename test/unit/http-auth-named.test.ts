import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { bearerAuth, DEFAULT_TOKEN_NAME, parseTokensFile } from '../../src/http/auth';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** Runs the middleware on a request with `authorization`; returns the caller it let through, or the 401 status. */
function call(mw: ReturnType<typeof bearerAuth>, authorization?: string): string | number {
  const locals: Record<string, unknown> = {};
  let status = 0;
  const res = {
    locals,
    status(code: number) {
      status = code;
      return this;
    },
    set() {
      return this;
    },
    json() {
      return this;
    },
  } as unknown as Response;
  let passed = false;
  mw({ get: () => authorization } as unknown as Request, res, () => (passed = true));
  return passed ? String(locals.caller) : status;
}

describe('named API tokens', () => {
  const named = parseTokensFile({ alice: sha('alice-token'), 'ops.bot': sha('bot-token').toUpperCase() });

  it('authenticates each caller by name, and the shared token as the default caller', () => {
    const mw = bearerAuth('shared', named);
    expect(call(mw, 'Bearer alice-token')).toBe('alice');
    expect(call(mw, 'Bearer bot-token')).toBe('ops.bot');
    expect(call(mw, 'Bearer shared')).toBe(DEFAULT_TOKEN_NAME);
    expect(call(mw, 'Bearer nope')).toBe(401);
    expect(call(mw)).toBe(401);
  });

  it('works with named tokens only', () => {
    const mw = bearerAuth(undefined, named);
    expect(call(mw, 'Bearer alice-token')).toBe('alice');
    expect(call(mw, 'Bearer shared')).toBe(401);
  });

  it('refuses malformed token files with a message that holds no token', () => {
    expect(() => parseTokensFile(['x'])).toThrow('expected a mapping of caller name to the hex SHA-256 of its token');
    expect(() => parseTokensFile({ alice: 'plain-secret' })).toThrow(
      'the token of alice must be a 64-character hex SHA-256',
    );
    expect(() => parseTokensFile({ 'bad name': sha('x') })).toThrow('caller name "bad name" is invalid');
    expect(() => parseTokensFile({})).toThrow('no caller is listed');
    expect(() => bearerAuth(undefined, [])).toThrow(/needs a token/);
  });
});
