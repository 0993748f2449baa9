/**
 * Fixed-window request budget per key (one key per access token, like Genesys'
 * `client.credentials.token.rate.per.minute`). A window opens on the first request of a key and lasts
 * `windowSeconds`; requests refused with 429 do not consume budget.
 */

/** What the `inin-ratelimit-*` headers report for one request. */
export interface RateLimitStatus {
  /** Whether the request fits the budget. */
  allowed: boolean;
  /** Requests counted in the current window (`inin-ratelimit-count`). */
  count: number;
  /** Budget of the window (`inin-ratelimit-allowed`). */
  limit: number;
  /** Whole seconds until the window resets (`inin-ratelimit-reset`, and `Retry-After` on 429), at least 1. */
  resetSeconds: number;
}

/** `inin-ratelimit-allowed` reported when throttling is off, so pacing clients see an effectively unlimited budget. */
export const UNTHROTTLED_ALLOWED = 2147483647;

interface Window {
  start: number;
  count: number;
}

/** Fixed-window limiter; `limit` 0 means unthrottled (still counts, for the headers). */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;

  constructor(
    private limit: number,
    windowSeconds: number,
    private readonly now: () => number,
  ) {
    this.windowMs = windowSeconds * 1000;
  }

  /** Counts one request for `key` and says whether it is within budget. */
  take(key: string): RateLimitStatus {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    const resetSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    if (this.limit === 0) {
      w.count++;
      return { allowed: true, count: w.count, limit: UNTHROTTLED_ALLOWED, resetSeconds };
    }
    if (w.count >= this.limit) return { allowed: false, count: w.count, limit: this.limit, resetSeconds };
    w.count++;
    return { allowed: true, count: w.count, limit: this.limit, resetSeconds };
  }

  /** The budget of a key without counting a request (for answers that have no token, e.g. 401s). */
  peek(key: string | undefined): RateLimitStatus {
    const now = this.now();
    const w = key === undefined ? undefined : this.windows.get(key);
    const limit = this.limit === 0 ? UNTHROTTLED_ALLOWED : this.limit;
    if (!w || now - w.start >= this.windowMs) {
      return { allowed: true, count: 0, limit, resetSeconds: Math.ceil(this.windowMs / 1000) };
    }
    const resetSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    return { allowed: w.count < limit, count: w.count, limit, resetSeconds };
  }

  /** Changes the budget per window (0 = unthrottled); open windows keep their counts. */
  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** Forgets every window. */
  clear(): void {
    this.windows.clear();
  }
}
