/**
 * OAuth client-credentials token store. Tokens are opaque random strings (they need not be deterministic, only
 * unguessable enough that a test cannot hit one by accident).
 */
import { randomBytes } from 'node:crypto';

/** One issued access token. */
export interface TokenRecord {
  readonly token: string;
  readonly clientId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  revoked: boolean;
}

/** Why a bearer token was refused. */
export type TokenRejection = 'unknown' | 'expired' | 'revoked';

/** Counts reported by the control API. */
export interface TokenCounts {
  total: number;
  active: number;
  expired: number;
  revoked: number;
}

/** Issues, checks and revokes tokens against an injectable clock. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly now: () => number) {}

  /** Issues a token for `clientId` valid for `lifetimeSeconds`. */
  issue(clientId: string, lifetimeSeconds: number): TokenRecord {
    const issuedAt = this.now();
    const record: TokenRecord = {
      token: randomBytes(32).toString('base64url'),
      clientId,
      issuedAt,
      expiresAt: issuedAt + lifetimeSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(record.token, record);
    return record;
  }

  /** The live record for `token`, or why it is refused. */
  check(token: string): TokenRecord | TokenRejection {
    const record = this.tokens.get(token);
    if (!record) return 'unknown';
    if (record.revoked) return 'revoked';
    if (this.now() >= record.expiresAt) return 'expired';
    return record;
  }

  /** Revokes one token, or every token when `token` is undefined; returns how many changed. */
  revoke(token?: string): number {
    let changed = 0;
    for (const record of token === undefined ? this.tokens.values() : [this.tokens.get(token)]) {
      if (record && !record.revoked) {
        record.revoked = true;
        changed++;
      }
    }
    return changed;
  }

  /** Forgets every token. */
  clear(): void {
    this.tokens.clear();
  }

  counts(): TokenCounts {
    const now = this.now();
    const counts: TokenCounts = { total: this.tokens.size, active: 0, expired: 0, revoked: 0 };
    for (const record of this.tokens.values()) {
      if (record.revoked) counts.revoked++;
      else if (now >= record.expiresAt) counts.expired++;
      else counts.active++;
    }
    return counts;
  }
}
