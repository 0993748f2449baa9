/**
 * Client-side pacing for one Genesys token, from the `inin-ratelimit-*` headers Genesys puts on responses
 * (reference §4: `count` used in the window, `allowed` the window's budget — seen as 180 as well as 300 — and
 * `reset` seconds until the window ends).
 *
 * Reservation-based, so any number of concurrent callers in one process share one budget: each caller takes a
 * slot in time; a window's slots never exceed `allowed - reserve` (counting calls already sent, calls in flight
 * and slots promised to others); when the window's budget runs low the remaining slots are spread over the time
 * left; a full window pushes the slot into the next one. A caller re-checks its slot when it wakes, so new
 * information (a response, a 429) corrects promises made earlier.
 *
 * Nothing is assumed before the first response: no budget size is guessed. Until a response says how big the
 * budget is, one call at a time goes out as a probe; if responses carry no rate-limit headers at all (their
 * presence in 2026 is UNCONFIRMED), calls flow freely and only 429s slow them down.
 */
import type { RateLimitInfo } from './headers';
import { systemClock, waitWithHooks, type WaitClock, type WaitHooks, throwIfCancelled } from './wait';

/** Time source of the pacer. */
export type PacerClock = WaitClock;

/** Tuning knobs of {@link RateLimitPacer}. */
export interface PacerOptions {
  /** @default the system clock */
  clock?: PacerClock;
  /**
   * Start spreading calls once the budget left in a window falls to this share of `allowed`.
   * @default 0.2
   */
  lowWaterRatio?: number;
  /**
   * Requests of each window never spent by paced calls (room for requests the estimate missed).
   * @default 1
   */
  reserve?: number;
  /**
   * Extra wait after a window's estimated end: `inin-ratelimit-reset` is whole seconds, so the server's window
   * may end slightly later than the estimate.
   * @default 500
   */
  resetMarginMs?: number;
  /**
   * Pace by the rate-limit headers. `false` keeps only the waits that 429s impose (e.g. a test that wants to
   * provoke 429s).
   * @default true
   */
  paceByHeaders?: boolean;
  /**
   * Wait after a 429 without `Retry-After` (or a window reset to wait for); tripled for each further 429 in a
   * row (3 s, 9 s, 27 s: the back-off the Genesys SDKs use), up to {@link maxBackoffMs}.
   * @default 3_000
   */
  backoffMs?: number;
  /** @default 60_000 */
  maxBackoffMs?: number;
  /** Longest sleep between two calls of the wait hooks. @default 2_000 */
  sliceMs?: number;
}

/** What one response (or failed request) told us. */
export interface PacerObservation {
  rateLimit?: RateLimitInfo;
  /** From a 429's `Retry-After`. */
  retryAfterSeconds?: number;
  /** HTTP status; undefined when no response arrived. */
  status?: number;
}

/** Thrown by {@link RateLimitPacer.acquire} when the slot lies beyond the caller's deadline. */
export class PacerDeadlineError extends Error {
  override readonly name = 'PacerDeadlineError';
  constructor(
    /** How long the caller would have had to wait, from now. */
    readonly waitMs: number,
  ) {
    super(`the Genesys rate limit allows the next call only in ${Math.ceil(waitMs / 1000)} s`);
  }
}

/** Counters for logs and metrics. */
export interface PacerStats {
  /** Calls let through. */
  started: number;
  /** 429 answers seen. */
  throttled: number;
  /** The budget per window from the last response (`inin-ratelimit-allowed`); undefined until known. */
  allowed?: number;
}

/** Identifies one call let through by {@link RateLimitPacer.acquire}; hand it back to `settle`. */
export interface PacerTicket {
  readonly seq: number;
}

interface Pending {
  slot: number;
}

/** Shared by all calls made with one token (Genesys rate limits are per token). */
export class RateLimitPacer {
  private readonly clock: PacerClock;
  private readonly lowWaterRatio: number;
  private readonly reserveCalls: number;
  private readonly resetMarginMs: number;
  private readonly paceByHeaders: boolean;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly sliceMs: number;

  /** A response has told us the budget. */
  private known = false;
  /** A response arrived without rate-limit headers: there is nothing to pace by. */
  private headerless = false;
  private allowed = 0;
  /** Estimated end of the window the last observation described, margin included. */
  private windowEnd = 0;
  /** Estimated window length (the longest `reset` seen). */
  private windowMs = 0;
  /** Calls the server had counted in that window at the last observation, plus calls then in flight. */
  private baseUsed = 0;
  /** The call whose answer was observed last, and the count it carried (to tell a new window from a late answer). */
  private lastObservedSeq = -1;
  private lastObservedCount = 0;
  private lastObservedAt = 0;
  /** Start times of calls let through since the last observation. */
  private starts: number[] = [];
  private readonly pending = new Set<Pending>();
  /** Sequence numbers of calls let through and not yet settled, in start order. */
  private readonly inFlight = new Set<number>();
  private nextSeq = 0;
  private blockedUntil = 0;
  private consecutive429 = 0;
  private gate: { promise: Promise<void>; open(): void } | undefined;
  private readonly counters = { started: 0, throttled: 0 };

  constructor(opts: PacerOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.lowWaterRatio = opts.lowWaterRatio ?? 0.2;
    this.reserveCalls = opts.reserve ?? 1;
    this.resetMarginMs = opts.resetMarginMs ?? 500;
    this.paceByHeaders = opts.paceByHeaders ?? true;
    this.backoffMs = opts.backoffMs ?? 3_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.sliceMs = opts.sliceMs ?? 2_000;
  }

  /** Counters since creation. */
  stats(): PacerStats {
    return { ...this.counters, ...(this.known ? { allowed: this.allowed } : {}) };
  }

  /**
   * How long a call made now would wait (0 = it could go now); reserves nothing. A pool picks the token whose
   * pacer frees first.
   */
  peekDelay(): number {
    const now = this.clock.now();
    if (this.probing()) return 1; // free soon, but prefer a token that is free now
    return Math.max(0, this.slotFrom(now) - now);
  }

  /**
   * Waits for this call's slot, then counts the call as sent. Every `acquire` must be followed by exactly one
   * {@link settle} with the returned ticket when the request finishes, however it finishes.
   *
   * @param hooks - heartbeat and cancellation of the caller, used while waiting.
   * @param deadline - absolute time; a slot later than this throws {@link PacerDeadlineError} without waiting.
   * @throws the cancellation signal's reason when the caller is cancelled while waiting.
   */
  async acquire(hooks?: WaitHooks, deadline = Number.POSITIVE_INFINITY): Promise<PacerTicket> {
    for (;;) {
      throwIfCancelled(hooks);
      const now = this.clock.now();
      if (this.probing()) {
        await this.waitForGate(hooks);
        continue;
      }
      const slot = this.slotFrom(now);
      if (slot <= now) return this.start(now);
      if (slot > deadline) throw new PacerDeadlineError(slot - now);
      const entry: Pending = { slot };
      this.pending.add(entry);
      try {
        await waitWithHooks(this.clock, slot - now, hooks, this.sliceMs);
      } finally {
        this.pending.delete(entry);
      }
      // The slot was promised against what we knew then; go if it still fits, else take a new one.
      const woke = this.clock.now();
      if (!this.probing() && this.fitsNow(woke)) return this.start(woke);
    }
  }

  /** Feeds in the outcome of the call `ticket` started (success or error; headers if any). */
  settle(ticket: PacerTicket, obs: PacerObservation): void {
    this.inFlight.delete(ticket.seq);
    this.observe(obs, ticket);
    this.openGate();
  }

  /**
   * Feeds in a response without settling a call (e.g. one made outside {@link acquire}). Observations without
   * rate-limit data and without a 429 change nothing but mark the service as not sending the headers.
   */
  observe(obs: PacerObservation, ticket?: PacerTicket): void {
    const now = this.clock.now();
    if (obs.rateLimit && this.paceByHeaders) this.learn(now, obs.rateLimit, ticket);
    else if (obs.status !== undefined && !obs.rateLimit) this.headerless = !this.known;
    if (obs.status === 429) {
      this.counters.throttled += 1;
      this.consecutive429 += 1;
      const backoff = Math.min(this.backoffMs * 3 ** (this.consecutive429 - 1), this.maxBackoffMs);
      const untilReset = this.known && this.windowEnd > now ? this.windowEnd : 0;
      const until =
        obs.retryAfterSeconds !== undefined ? now + obs.retryAfterSeconds * 1000 : Math.max(now + backoff, untilReset);
      this.blockedUntil = Math.max(this.blockedUntil, until);
      // Without Retry-After, take the 429 to mean the window is spent, whatever our estimate said. With one, it is
      // authoritative (the 429 may come from another bucket, e.g. a per-resource limit) and the headers stand.
      if (this.known && obs.retryAfterSeconds === undefined) this.baseUsed = Math.max(this.baseUsed, this.allowed);
    } else if (obs.status !== undefined && obs.status < 500) {
      this.consecutive429 = 0;
    }
  }

  private learn(now: number, { count, allowed, reset }: RateLimitInfo, ticket: PacerTicket | undefined): void {
    const resetMs = Math.max(0, reset) * 1000;
    // `reset` is whole seconds (rounding UNCONFIRMED), so the window ends by now + reset at the latest.
    const end = now + resetMs + this.resetMarginMs;
    const seq = ticket?.seq ?? this.nextSeq; // without a ticket: as recent as any call so far
    // Calls started after this one and still in flight had probably not reached the server when it counted this
    // one; calls started before it probably had.
    let uncounted = 0;
    for (const other of this.inFlight) if (other > seq) uncounted += 1;
    const estimate = count + uncounted;
    this.allowed = allowed;
    this.windowMs = Math.max(this.windowMs, resetMs, 1_000);
    if (!this.known) {
      this.known = true;
      this.headerless = false;
      this.resetWindow(now, end, estimate, seq, count);
      return;
    }
    if (seq < this.lastObservedSeq) {
      // An older call's answer arriving late: it can only raise the estimate of the current window.
      if (now < this.windowEnd) this.baseUsed = Math.max(this.baseUsed, estimate);
      return;
    }
    // Past the estimated end, or a later call counted clearly lower (a few places of slack: concurrent calls can
    // reach the server in another order than they started), or no higher a while later: a new window has begun.
    const lower = count < this.lastObservedCount - 2;
    const stalled = count <= this.lastObservedCount && now - this.lastObservedAt >= 250;
    if (now >= this.windowEnd || lower || stalled) {
      this.resetWindow(now, end, estimate, seq, count);
      return;
    }
    // Same window: each answer bounds its end more tightly; never lower what it has used.
    const usedSoFar = this.baseUsed + this.starts.filter((t) => t < this.windowEnd).length;
    this.windowEnd = Math.min(this.windowEnd, end);
    this.baseUsed = Math.max(estimate, Math.min(usedSoFar, allowed));
    this.starts = [];
    this.noteObserved(now, seq, count);
  }

  private resetWindow(now: number, end: number, used: number, seq: number, count: number): void {
    this.windowEnd = end;
    this.baseUsed = used;
    this.starts = [];
    this.noteObserved(now, seq, count);
  }

  private noteObserved(now: number, seq: number, count: number): void {
    this.lastObservedSeq = seq;
    this.lastObservedCount = count;
    this.lastObservedAt = now;
  }

  private start(now: number): PacerTicket {
    const seq = this.nextSeq++;
    this.inFlight.add(seq);
    this.counters.started += 1;
    if (this.known) this.starts.push(now);
    return { seq };
  }

  /** One call at a time until a response has told us the budget (or that there are no headers). */
  private probing(): boolean {
    return this.paceByHeaders && !this.known && !this.headerless && this.inFlight.size > 0;
  }

  private async waitForGate(hooks: WaitHooks | undefined): Promise<void> {
    if (!this.gate) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      this.gate = { promise, open };
    }
    const signal = hooks?.signal?.();
    hooks?.onWait?.();
    if (!signal) return this.gate.promise;
    // Bounded by the probe's own request timeout; cancellation still ends it at once.
    await Promise.race([
      this.gate.promise,
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ]);
  }

  private openGate(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }

  /** Index of the (estimated) window holding time `t`: 0 is the window of the last observation. */
  private windowOf(t: number): number {
    return t < this.windowEnd ? 0 : 1 + Math.floor((t - this.windowEnd) / this.windowMs);
  }

  private endOf(window: number): number {
    return this.windowEnd + window * this.windowMs;
  }

  /** Calls counted, sent or promised in window `w`. */
  private usedIn(w: number): number {
    let used = w === 0 ? this.baseUsed : 0;
    for (const s of this.starts) if (this.windowOf(s) === w) used += 1;
    for (const p of this.pending) if (this.windowOf(p.slot) === w) used += 1;
    return used;
  }

  private capacity(): number {
    return Math.max(1, this.allowed - this.reserveCalls);
  }

  private fitsNow(now: number): boolean {
    if (now < this.blockedUntil) return false;
    if (!this.paceByHeaders || !this.known) return true;
    return this.usedIn(this.windowOf(now)) < this.capacity();
  }

  /** The earliest slot at or after `now` that keeps every window within its budget. */
  private slotFrom(now: number): number {
    let t = Math.max(now, this.blockedUntil);
    if (!this.paceByHeaders || !this.known) return t;
    const capacity = this.capacity();
    // Each pass either returns or moves t into a later window; the windows ahead hold at most the pending slots.
    for (let guard = 0; guard < this.pending.size + 3; guard++) {
      const w = this.windowOf(t);
      const end = this.endOf(w);
      const used = this.usedIn(w);
      if (used >= capacity) {
        t = end;
        continue;
      }
      const left = capacity - used;
      if (left > this.allowed * this.lowWaterRatio) return t;
      // Budget running low: spread what is left over the rest of the window instead of spending it at once.
      const last = this.lastSlotIn(w);
      const spaced = Math.max(t, last + (end - Math.max(t, last)) / (left + 1));
      if (spaced < end) return spaced;
      t = end;
    }
    return t;
  }

  private lastSlotIn(w: number): number {
    let last = Number.NEGATIVE_INFINITY;
    for (const s of this.starts) if (this.windowOf(s) === w) last = Math.max(last, s);
    for (const p of this.pending) if (this.windowOf(p.slot) === w) last = Math.max(last, p.slot);
    return last;
  }
}
