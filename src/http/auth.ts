/** Bearer-token authentication of `/api/*`. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * Compares a presented token with the expected one in constant time. Both are hashed first so the buffers always
 * have the same length: `timingSafeEqual` throws on unequal lengths, and an early length check would leak the
 * token's length.
 */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/** One accepted caller: a name (the approver identity recorded in the audit log) and its token's SHA-256 (hex). */
export interface NamedToken {
  name: string;
  sha256: string;
}

/** The name the single `GCSYNC_API_TOKEN` authenticates as (the body's `by` then names the approver). */
export const DEFAULT_TOKEN_NAME = 'api-token';

/**
 * Parses a tokens file (`GCSYNC_API_TOKENS_FILE`): YAML or JSON mapping each caller's name to the hex SHA-256 of
 * its token (`alice: 5e884898…`), so the file holds no usable secret.
 *
 * @throws Error naming the problem (never a token) when the file is malformed.
 */
export function parseTokensFile(value: unknown): NamedToken[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('expected a mapping of caller name to the hex SHA-256 of its token');
  }
  const tokens = Object.entries(value as Record<string, unknown>).map(([name, hash]) => {
    if (!/^[\w.@+-]{1,100}$/.test(name)) throw new Error(`caller name ${JSON.stringify(name.slice(0, 40))} is invalid`);
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) {
      throw new Error(`the token of ${name} must be a 64-character hex SHA-256`);
    }
    return { name, sha256: hash.toLowerCase() };
  });
  if (tokens.length === 0) throw new Error('no caller is listed');
  return tokens;
}

/**
 * Middleware that lets a request through only with `Authorization: Bearer <token>` equal to `expectedToken` or to
 * one of the named tokens; anything else gets 401 JSON. The caller's name goes to `res.locals.caller`. The token
 * is never logged or echoed.
 */
export function bearerAuth(expectedToken: string | undefined, named: readonly NamedToken[] = []): RequestHandler {
  if (!expectedToken && named.length === 0) {
    throw new Error('bearerAuth needs a token (GCSYNC_API_TOKEN) or named tokens (GCSYNC_API_TOKENS_FILE)');
  }
  const hashes = named.map((t) => ({ name: t.name, hash: Buffer.from(t.sha256, 'hex') }));
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match) {
      const presented = sha256(match[1]);
      // Every entry is compared (constant time each), so the time taken says nothing about which one matched.
      let caller: string | undefined;
      for (const t of hashes) if (timingSafeEqual(presented, t.hash) && caller === undefined) caller = t.name;
      if (caller === undefined && expectedToken && tokensMatch(match[1], expectedToken)) caller = DEFAULT_TOKEN_NAME;
      if (caller !== undefined) {
        res.locals.caller = caller;
        next();
        return;
      }
    }
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="gcsync"')
      .json({ error: match ? 'invalid bearer token' : 'missing bearer token' });
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
