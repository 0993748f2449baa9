import { type PacerClock, RateLimitPacer } from '../../src/genesys/pacer';

/** Manual clock: `sleep` advances time instantly. */
class FakeClock implements PacerClock {
  constructor(public t = 1_000_000) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

/** Genesys-like fixed-window limiter: answers with inin-ratelimit-* values, or 429 + Retry-After when over. */
class FakeServer {
  private windowStart: number;
  private count = 0;
  throttled = 0;
  served = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly allowed = 300,
    private readonly windowMs = 60_000,
  ) {
    this.windowStart = clock.now();
  }

  handle(): {
    status: number;
    rateLimit: { count: number; allowed: number; reset: number };
    retryAfterSeconds?: number;
  } {
    const now = this.clock.now();
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart += Math.floor((now - this.windowStart) / this.windowMs) * this.windowMs;
      this.count = 0;
    }
    this.count += 1;
    const reset = Math.ceil((this.windowStart + this.windowMs - now) / 1000);
    const rateLimit = { count: this.count, allowed: this.allowed, reset };
    if (this.count > this.allowed) {
      this.throttled += 1;
      return { status: 429, rateLimit, retryAfterSeconds: reset };
    }
    this.served += 1;
    return { status: 200, rateLimit };
  }
}

describe('RateLimitPacer', () => {
  it('lets calls through while it knows nothing, and while the budget is comfortable', () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock });
    expect(pacer.reserve()).toBe(0);
    pacer.observe({ rateLimit: { count: 100, allowed: 300, reset: 30 }, status: 200 });
    for (let i = 0; i < 50; i++) expect(pacer.reserve()).toBe(0);
  });

  it('spreads the remaining calls over the rest of the window when the budget runs low', () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock, reserve: 1 });
    pacer.observe({ rateLimit: { count: 280, allowed: 300, reset: 20 }, status: 200 });
    // 20 left, 1 kept in reserve → 19 calls over 20 s: one every ~1.05 s, each caller getting its own slot.
    const delays = [pacer.reserve(), pacer.reserve(), pacer.reserve()];
    expect(delays[0]).toBe(0);
    expect(delays[1]).toBeGreaterThan(1_000);
    expect(delays[1]).toBeLessThan(1_200);
    expect(delays[2]).toBeGreaterThan(delays[1] + 1_000);
  });

  it('waits for the window to reset once the budget is spent', () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock, resetMarginMs: 500 });
    pacer.observe({ rateLimit: { count: 300, allowed: 300, reset: 12 }, status: 200 });
    expect(pacer.reserve()).toBe(12_500);
    clock.t += 12_000;
    expect(pacer.reserve()).toBe(0); // a fresh window: no data yet, go
  });

  it('honours a 429 Retry-After, even with budget apparently left', () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock });
    pacer.observe({ rateLimit: { count: 10, allowed: 300, reset: 50 }, status: 429, retryAfterSeconds: 7 });
    expect(pacer.reserve()).toBe(7_000);
    clock.t += 7_000;
    expect(pacer.reserve()).toBe(0);
  });

  it('caps a single delay so very long waits are left to the retry policy', () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock, maxDelayMs: 65_000 });
    pacer.observe({ status: 429, retryAfterSeconds: 3_600 });
    expect(pacer.reserve()).toBe(65_000);
  });

  it('spends a 300/min budget on 1,000 calls without a single 429', async () => {
    const clock = new FakeClock();
    const server = new FakeServer(clock);
    const pacer = new RateLimitPacer({ clock });
    const started = clock.now();
    for (let i = 0; i < 1_000; i++) {
      await pacer.beforeCall();
      pacer.observe(server.handle());
      clock.t += 20; // each request takes 20 ms
    }
    const elapsedSeconds = (clock.now() - started) / 1000;
    expect(server.throttled).toBe(0);
    expect(server.served).toBe(1_000);
    // 1,000 calls need at least 3 full windows plus part of a 4th; pacing should not waste much beyond that.
    expect(elapsedSeconds).toBeGreaterThan(180);
    expect(elapsedSeconds).toBeLessThan(250);
  });

  it('(control) the same loop without pacing does get throttled', () => {
    const clock = new FakeClock();
    const server = new FakeServer(clock);
    for (let i = 0; i < 1_000; i++) {
      server.handle();
      clock.t += 20;
    }
    expect(server.throttled).toBeGreaterThan(0);
  });

  it('keeps concurrent callers within the budget', async () => {
    const clock = new FakeClock();
    const server = new FakeServer(clock, 100, 10_000);
    const pacer = new RateLimitPacer({ clock, reserve: 5 });
    // 8 workers share one pacer; each request takes 50 ms, and responses come back in order of their slots.
    const queue: Array<() => void> = [];
    for (let i = 0; i < 400; i++) queue.push(() => pacer.observe(server.handle()));
    while (queue.length > 0) {
      const batch = queue.splice(0, 8);
      const delays = batch.map(() => pacer.reserve());
      const order = delays.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d);
      const base = clock.now();
      for (const { d, i } of order) {
        clock.t = Math.max(clock.t, base + d) + 50;
        batch[i]();
      }
    }
    expect(server.throttled).toBe(0);
    expect(server.served).toBe(400);
  });
});
