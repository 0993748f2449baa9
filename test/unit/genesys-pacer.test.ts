import { readRateLimit, readRetryAfter } from '../../src/genesys/headers';
import { PacerDeadlineError, RateLimitPacer } from '../../src/genesys/pacer';
import { type FakeAnswer, FakeClock, FakeLimiter } from './genesys-fakes';

/** One paced request, the way a session makes it. */
async function paced(pacer: RateLimitPacer, server: FakeLimiter, latencyMs = 50): Promise<number> {
  const ticket = await pacer.acquire();
  let answer: FakeAnswer;
  try {
    answer = await server.request(latencyMs);
  } catch (rejection) {
    answer = rejection as FakeAnswer;
  }
  pacer.settle(ticket, {
    rateLimit: readRateLimit(answer.headers),
    retryAfterSeconds: readRetryAfter(answer.headers),
    status: answer.status,
  });
  return answer.status;
}

/** `total` requests from `workers` concurrent loops sharing one pacer; `jitter` varies latency (out-of-order answers). */
async function workers(
  clock: FakeClock,
  pacer: RateLimitPacer,
  server: FakeLimiter,
  total: number,
  n: number,
  jitter = false,
) {
  let left = total;
  let seed = 7;
  const latency = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return jitter ? 20 + (seed % 400) : 50;
  };
  const loop = async () => {
    while (left > 0) {
      left -= 1;
      await paced(pacer, server, latency());
    }
  };
  const started = clock.now();
  await clock.run(Promise.all(Array.from({ length: n }, loop)));
  return (clock.now() - started) / 1000;
}

describe('RateLimitPacer', () => {
  it('assumes no budget before the first response: one probe at a time until a response tells it', async () => {
    const clock = new FakeClock();
    const server = new FakeLimiter(clock, 180);
    const pacer = new RateLimitPacer({ clock });
    expect(pacer.stats().allowed).toBeUndefined();
    const order: string[] = [];
    const first = paced(pacer, server, 1_000).then(() => order.push('first done'));
    const second = pacer.acquire().then(() => order.push('second starts'));
    await clock.run(Promise.all([first, second]));
    expect(order).toEqual(['first done', 'second starts']);
    expect(pacer.stats().allowed).toBe(180);
  });

  it('trusts inin-ratelimit-allowed = 180: 1,000 calls from 8 concurrent loops, not one 429', async () => {
    const clock = new FakeClock();
    const server = new FakeLimiter(clock, 180);
    const pacer = new RateLimitPacer({ clock });
    const seconds = await workers(clock, pacer, server, 1_000, 8);
    expect(server.throttled).toBe(0);
    expect(server.served).toBe(1_000);
    // 1,000 calls at 179 per minute need 5 full windows plus part of a 6th; pacing should waste little more.
    expect(seconds).toBeGreaterThan(300);
    expect(seconds).toBeLessThan(400);
  });

  it('stays within the budget when 16 loops get answers out of order (latency 20–420 ms)', async () => {
    const clock = new FakeClock();
    const server = new FakeLimiter(clock, 180);
    const pacer = new RateLimitPacer({ clock });
    const seconds = await workers(clock, pacer, server, 1_000, 16, true);
    expect(server.throttled).toBe(0);
    expect(server.served).toBe(1_000);
    expect(seconds).toBeLessThan(420);
  });

  it('(control) the same concurrent loops without pacing do get throttled', async () => {
    const clock = new FakeClock();
    const server = new FakeLimiter(clock, 180);
    const pacer = new RateLimitPacer({ clock, paceByHeaders: false });
    const unpaced = async () => {
      for (let i = 0; i < 50; i++) await server.request().catch(() => undefined);
    };
    await clock.run(Promise.all(Array.from({ length: 8 }, unpaced)));
    expect(server.throttled).toBeGreaterThan(0);
    expect(pacer.stats().throttled).toBe(0);
  });

  it('spends a 300 budget sequentially without a 429 and spreads the last calls of a window', async () => {
    const clock = new FakeClock();
    const server = new FakeLimiter(clock, 300);
    const pacer = new RateLimitPacer({ clock });
    const seconds = await workers(clock, pacer, server, 1_000, 1);
    expect(server.throttled).toBe(0);
    expect(seconds).toBeGreaterThan(180);
    expect(seconds).toBeLessThan(250);
  });

  it('spaces concurrent callers once the budget runs low instead of releasing them together', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock, reserve: 1 });
    const ticket1 = await clock.run(pacer.acquire());
    pacer.settle(ticket1, { rateLimit: { count: 160, allowed: 180, reset: 20 }, status: 200 });
    const startedAt: number[] = [];
    await clock.run(
      Promise.all(Array.from({ length: 5 }, () => pacer.acquire().then(() => startedAt.push(clock.now())))),
    );
    const gaps = startedAt.slice(1).map((t, i) => t - startedAt[i]);
    // 19 calls left for 20.5 s: about one a second, each caller on its own slot.
    for (const gap of gaps) expect(gap).toBeGreaterThan(800);
    expect(startedAt[4] - startedAt[0]).toBeLessThan(20_500);
  });

  it('waits for the window to reset once the budget is spent', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock, resetMarginMs: 500 });
    const ticket2 = await clock.run(pacer.acquire());
    pacer.settle(ticket2, { rateLimit: { count: 180, allowed: 180, reset: 12 }, status: 200 });
    expect(pacer.peekDelay()).toBe(12_500);
    const t0 = clock.now();
    await clock.run(pacer.acquire());
    expect(clock.now() - t0).toBe(12_500);
  });

  it('honours a 429 Retry-After, even with budget apparently left, and backs off 3 s, 9 s without one', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock });
    const ticket3 = await clock.run(pacer.acquire());
    pacer.settle(ticket3, { rateLimit: { count: 10, allowed: 300, reset: 50 }, status: 429, retryAfterSeconds: 7 });
    expect(pacer.peekDelay()).toBe(7_000);
    clock.t += 7_000;
    expect(pacer.peekDelay()).toBe(0);

    const bare = new RateLimitPacer({ clock });
    const ticket4 = await clock.run(bare.acquire());
    bare.settle(ticket4, { status: 429 });
    expect(bare.peekDelay()).toBe(3_000);
    const ticket5 = await clock.run(bare.acquire());
    bare.settle(ticket5, { status: 429 });
    expect(bare.peekDelay()).toBe(9_000);
    expect(bare.stats().throttled).toBe(2);
  });

  it('lets calls flow when responses carry no rate-limit headers', async () => {
    const clock = new FakeClock();
    const server = new FakeLimiter(clock, 1_000, 60_000, false);
    const pacer = new RateLimitPacer({ clock });
    const seconds = await workers(clock, pacer, server, 80, 8);
    expect(server.served).toBe(80);
    expect(seconds).toBeLessThan(1); // 10 rounds of 50 ms
  });

  it('sleeps in slices, calling onWait between them, so a long wait keeps the activity alive', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock, sliceMs: 2_000 });
    const ticket6 = await clock.run(pacer.acquire());
    pacer.settle(ticket6, { status: 429, retryAfterSeconds: 61 });
    const beats: number[] = [];
    await clock.run(pacer.acquire({ onWait: () => beats.push(clock.now()) }));
    expect(beats.length).toBeGreaterThanOrEqual(30);
    const gaps = beats.slice(1).map((t, i) => t - beats[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2_000);
  });

  it('ends a wait as soon as the caller is cancelled, with the signal reason', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock });
    const ticket7 = await clock.run(pacer.acquire());
    pacer.settle(ticket7, { status: 429, retryAfterSeconds: 60 });
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const t0 = clock.now();
    const waiting = pacer.acquire({ signal: () => controller.signal });
    void clock.sleep(5_000).then(() => controller.abort(reason));
    await expect(clock.run(waiting)).rejects.toBe(reason);
    expect(clock.now() - t0).toBe(5_000);
  });

  it('refuses a slot beyond the deadline without waiting', async () => {
    const clock = new FakeClock();
    const pacer = new RateLimitPacer({ clock });
    const ticket8 = await clock.run(pacer.acquire());
    pacer.settle(ticket8, { status: 429, retryAfterSeconds: 3_600 });
    const t0 = clock.now();
    const err = await clock.run(pacer.acquire(undefined, t0 + 600_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacerDeadlineError);
    expect((err as PacerDeadlineError).waitMs).toBe(3_600_000);
    expect(clock.now()).toBe(t0);
  });
});
