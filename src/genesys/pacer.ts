/**
 * Client-side pacing from the `inin-ratelimit-*` headers Genesys puts on every response. While the window's budget
 * is comfortable, calls go straight through; when it runs low, the remaining calls are spread evenly over the time
 * left in the window; when it is spent (or a 429 arrives), calls wait for the window to reset. A run thus uses its
 * whole budget without provoking a storm of 429s. Pure logic over an injectable clock.
 */
import type { RateLimitInfo } from './headers';

/** Time source; tests pass a fake one. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Tuning knobs of {@link RateLimitPacer}. */
export interface PacerOptions {
  /** @default the system clock */
  clock?: PacerClock;
  /**
   * Start spreading calls once the budget left in the window falls to this share of the limit.
   * @default 0.2
   */
  lowWaterRatio?: number;
  /**
   * Requests never spent by paced calls. Covers calls already in flight that the last response did not count yet.
   * @default 1
   */
  reserve?: number;
  /**
   * Extra wait after a window's reset time: `inin-ratelimit-reset` is whole seconds, so the server's window may
   * end slightly later than our estimate.
   * @default 500
   */
  resetMarginMs?: number;
  /**
   * Longest single delay. A longer wait (e.g. a daily limit) is left to the caller's retry policy instead.
   * @default 65_000
   */
  maxDelayMs?: number;
}

/** What one response told us. */
export interface PacerObservation {
  rateLimit?: RateLimitInfo;
  /** From a 429's `Retry-After`. */
  retryAfterSeconds?: number;
  status?: number;
}

const systemClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Shared by all calls made with one token (Genesys rate limits are per token). */
export class RateLimitPacer {
  private readonly clock: PacerClock;
  private readonly lowWaterRatio: number;
  private readonly reserveCalls: number;
  private readonly resetMarginMs: number;
  private readonly maxDelayMs: number;

  private allowed = 0;
  private remaining = 0;
  private windowEnd: number | undefined;
  /** Calls let through since the last observation; the server had not counted them when it answered. */
  private issuedSinceObservation = 0;
  private lastSlot = Number.NEGATIVE_INFINITY;
  private blockedUntil = 0;

  constructor(opts: PacerOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.lowWaterRatio = opts.lowWaterRatio ?? 0.2;
    this.reserveCalls = opts.reserve ?? 1;
    this.resetMarginMs = opts.resetMarginMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 65_000;
  }

  /** Feeds in a response (success or error). Observations without rate-limit data and without a 429 are ignored. */
  observe(obs: PacerObservation): void {
    const now = this.clock.now();
    if (obs.rateLimit) {
      const { count, allowed, reset } = obs.rateLimit;
      this.allowed = allowed;
      this.remaining = Math.max(0, allowed - count);
      this.windowEnd = now + Math.max(0, reset) * 1000;
      this.issuedSinceObservation = 0;
    }
    if (obs.status === 429) {
      const until =
        obs.retryAfterSeconds !== undefined
          ? now + obs.retryAfterSeconds * 1000
          : (this.windowEnd ?? now) + this.resetMarginMs;
      this.blockedUntil = Math.max(this.blockedUntil, until);
    }
  }

  /**
   * Claims the next call's slot and returns how long to wait before making it (0 = go now). Each call reserves
   * its own slot, so concurrent callers are spaced out rather than all released together.
   */
  reserve(): number {
    const now = this.clock.now();
    const base = Math.max(now, this.blockedUntil);
    const slot = this.slotFrom(base);
    this.issuedSinceObservation += 1;
    this.lastSlot = slot;
    return Math.min(Math.max(0, slot - now), this.maxDelayMs);
  }

  /** Waits for this call's slot; call right before each request. */
  async beforeCall(): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await this.clock.sleep(delay);
  }

  private slotFrom(base: number): number {
    if (this.windowEnd === undefined || base >= this.windowEnd) return base; // no data yet, or a fresh window
    const left = this.remaining - this.issuedSinceObservation - this.reserveCalls;
    if (left <= 0) return this.windowEnd + this.resetMarginMs;
    if (left > this.allowed * this.lowWaterRatio) return base;
    const interval = (this.windowEnd - base) / left;
    return Math.max(base, this.lastSlot + interval);
  }
}
