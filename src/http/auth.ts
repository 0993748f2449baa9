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

/**
 * Middleware that lets a request through only with `Authorization: Bearer <token>` equal to `expectedToken`;
 * anything else gets 401 JSON. The token is never logged or echoed.
 */
export function bearerAuth(expectedToken: string): RequestHandler {
  if (!expectedToken) throw new Error('bearerAuth needs a non-empty token (GCSYNC_API_TOKEN)');
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match && tokensMatch(match[1], expectedToken)) {
      next();
      return;
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
