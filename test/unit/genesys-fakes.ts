/**
 * Test doubles for the Genesys client's timing logic: a discrete-event fake clock (sleeps resolve in time order
 * as the clock jumps ahead, so concurrent callers interleave as they would in real time) and a Genesys-like
 * fixed-window rate limiter that answers the way the SDK resolves and rejects with extended responses.
 */
import type { WaitClock } from '../../src/genesys/wait';

interface Timer {
  at: number;
  seq: number;
  fire(): void;
}

/** Fake time: `sleep` registers a timer; {@link run} advances to the next timer whenever everything is idle. */
export class FakeClock implements WaitClock {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(public t = 1_000_000) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Drives time until `promise` settles; fails on a deadlock (pending with no timer left). */
  async run<T>(promise: Promise<T>, maxSteps = 2_000_000): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let step = 0; step < maxSteps; step++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return promise;
      if (this.timers.length === 0) throw new Error('deadlock: nothing scheduled and the promise is pending');
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift() as Timer;
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
    throw new Error('too many steps');
  }
}

/** What the fake server answers: an extended response (resolve) or an extended rejection. */
export interface FakeAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Genesys-like fixed window per token: a window opens on the first request after the previous one ended. */
export class FakeLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;
  served = 0;
  throttled = 0;

  constructor(
    private readonly clock: FakeClock,
    readonly allowed: number,
    private readonly windowMs = 60_000,
    /** Send the inin-ratelimit-* headers (their presence is UNCONFIRMED for 2026). */
    private readonly headers = true,
  ) {}

  /** Counts a request arriving now and returns the answer. */
  handle(): FakeAnswer {
    const now = this.clock.now();
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    const reset = Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
    const rate: Record<string, string> = this.headers
      ? { 'inin-ratelimit-allowed': String(this.allowed), 'inin-ratelimit-reset': String(reset) }
      : {};
    if (this.count >= this.allowed) {
      this.throttled += 1;
      return {
        status: 429,
        headers: {
          ...rate,
          ...(this.headers ? { 'inin-ratelimit-count': String(this.count) } : {}),
          'retry-after': String(reset),
        },
        body: {
          status: 429,
          code: 'too.many.requests.retry.after',
          message: `Retry the request in [${reset}] seconds`,
        },
      };
    }
    this.count += 1;
    this.served += 1;
    return {
      status: 200,
      headers: { ...rate, ...(this.headers ? { 'inin-ratelimit-count': String(this.count) } : {}) },
      body: { ok: true },
    };
  }

  /** An SDK-like call: `latencyMs` on the way there and back; rejects like the SDK on non-2xx. */
  async request(latencyMs = 50): Promise<FakeAnswer> {
    await this.clock.sleep(latencyMs / 2);
    const answer = this.handle();
    await this.clock.sleep(latencyMs / 2);
    if (answer.status >= 400) throw answer;
    return answer;
  }
}
