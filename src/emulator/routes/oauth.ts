/**
 * `POST /oauth/token`, client-credentials grant only. Errors use the OAuth-style body Genesys sends (status 400,
 * `error` + `description` + `error_description`), not an ErrorBody.
 */
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { readText } from '../http/body';
import type { EmulatorState } from '../state';

/** Status and JSON body of a token-endpoint answer. */
export interface OAuthReply {
  status: number;
  body: Record<string, unknown>;
}

/** The OAuth-style 400 body Genesys sends for token-endpoint errors. */
export function oauthError(error: string, description: string): OAuthReply {
  return { status: 400, body: { error, description, error_description: description } };
}

function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const m = /^basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Issues a token for valid client credentials. */
export async function issueToken(state: EmulatorState, req: IncomingMessage): Promise<OAuthReply> {
  const form = new URLSearchParams(await readText(req, 64 * 1024));
  const creds = basicCredentials(req);
  // No Basic header is treated like an unknown client (the real answer is UNCONFIRMED).
  const secret = creds === undefined ? undefined : state.clientSecretFor(creds.id);
  if (!creds || secret === undefined) return oauthError('invalid_client', 'client not found');
  if (!sameSecret(creds.secret, secret)) {
    return oauthError('invalid_client', 'authentication failed');
  }
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return oauthError('unsupported_grant_type', `grant type ${grant ?? '(missing)'} is not supported`);
  }
  // Each token gets its own rate-limit bucket, whichever client asked for it (reference §4).
  const record = state.tokens.issue(creds.id, state.options.tokenLifetimeSeconds);
  return {
    status: 200,
    body: { access_token: record.token, token_type: 'bearer', expires_in: state.options.tokenLifetimeSeconds },
  };
}
