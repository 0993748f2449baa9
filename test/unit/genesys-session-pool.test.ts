import { FAILURE_TYPES, toDirectoryFailure } from '../../activities/failures';
import { GenesysApiError, GenesysAuthError } from '../../src/genesys/api-error';
import { classifyGenesysError } from '../../src/genesys/errors';
import { RateLimitPacer } from '../../src/genesys/pacer';
import { SessionPool, type ThrottleEvent } from '../../src/genesys/pool';
import { GenesysSession, type GenesysClientLogger, type LoginResult } from '../../src/genesys/session';
import type { WaitHooks } from '../../src/genesys/wait';
import { FakeClock, FakeLimiter } from './genesys-fakes';

interface Logged {
  level: 'info' | 'warn';
  obj: object;
  msg: string;
}

function recordingLogger(): GenesysClientLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
  };
}

/** The raw axios error the SDK's login rejects with. */
function loginRejection(status: number, data: unknown, headers: Record<string, string> = {}) {
  return {
    isAxiosError: true,
    message: `Request failed with status code ${status}`,
    response: { status, data, headers },
  };
}

const INVALID_CLIENT = {
  error: 'invalid_client',
  description: 'authentication failed',
  error_description: 'authentication failed',
};
const LOGIN_RATE_LIMITED = {
  error: 'invalid_request',
  description: 'rate limit exceeded; retry later',
  error_description: 'rate limit exceeded; retry later',
};

/** A login that answers the scripted failures first, then succeeds with a 1-hour token. */
function scriptedLogin(clock: FakeClock, failures: unknown[]) {
  const fn = jest.fn(async (): Promise<LoginResult> => {
    await clock.sleep(20);
    const next = failures.shift();
    if (next !== undefined) throw next;
    return { tokenExpiryTime: clock.now() + 3_600_000 };
  });
  return fn;
}

function session<A>(
  clock: FakeClock,
  clientId: string,
  api: A,
  login: () => Promise<LoginResult>,
  logger = recordingLogger(),
) {
  return new GenesysSession(clientId, api, new RateLimitPacer({ clock }), login, {
    clock,
    logger,
    refreshBeforeExpiryMs: 60_000,
    loginBudgetMs: 120_000,
  });
}

function pool<A>(
  clock: FakeClock,
  sessions: GenesysSession<A>[],
  extra: Partial<ConstructorParameters<typeof SessionPool>[1]> = {},
) {
  return new SessionPool(sessions, { clock, logger: recordingLogger(), callBudgetMs: 600_000, ...extra });
}

describe('GenesysSession login', () => {
  it('retries a throttled token endpoint (429 Retry-After, then 400 invalid_request "rate limit exceeded")', async () => {
    const clock = new FakeClock();
    const logger = recordingLogger();
    const login = scriptedLogin(clock, [
      loginRejection(429, { error: 'too_many_requests' }, { 'retry-after': '5' }),
      loginRejection(400, LOGIN_RATE_LIMITED),
    ]);
    const s = session(clock, 'a', {}, login, logger);
    const t0 = clock.now();
    await clock.run(s.login());
    expect(login).toHaveBeenCalledTimes(3);
    expect(s.generation).toBe(1);
    // 5 s from Retry-After, then the back-off for a second throttled attempt (3 s doubled).
    expect(clock.now() - t0).toBeGreaterThanOrEqual(11_000);
    expect(clock.now() - t0).toBeLessThan(12_000);
    expect(logger.lines.filter((l) => l.msg.includes('throttled'))).toHaveLength(2);
  });

  it('never retries refused credentials (400 invalid_client): one attempt, a GenesysAuthError', async () => {
    const clock = new FakeClock();
    const login = scriptedLogin(clock, [loginRejection(400, INVALID_CLIENT)]);
    const s = session(clock, 'a', {}, login);
    const err = await clock.run(s.login()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysAuthError);
    expect((err as Error).message).toBe('Genesys login failed for client a: authentication failed');
    expect(classifyGenesysError(err)).toMatchObject({ kind: 'auth', retryable: false });
    expect(login).toHaveBeenCalledTimes(1);
  });

  it('gives up on a throttled login after its budget, with a retryable rate-limited error', async () => {
    const clock = new FakeClock();
    const login = scriptedLogin(
      clock,
      Array.from({ length: 100 }, () => loginRejection(400, LOGIN_RATE_LIMITED)),
    );
    const s = session(clock, 'a', {}, login);
    const t0 = clock.now();
    const err = await clock.run(s.login()).catch((e: unknown) => e);
    expect(classifyGenesysError(err)).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(clock.now() - t0).toBeLessThanOrEqual(120_000);
    expect(clock.now() - t0).toBeGreaterThan(60_000);
  });

  it('heartbeats through the hooks while a throttled login waits', async () => {
    const clock = new FakeClock();
    const login = scriptedLogin(clock, [loginRejection(429, {}, { 'retry-after': '30' })]);
    const s = session(clock, 'a', {}, login);
    const onWait = jest.fn();
    await clock.run(s.login({ onWait }));
    expect(onWait.mock.calls.length).toBeGreaterThanOrEqual(15);
  });
});

describe('SessionPool.call', () => {
  /** An API whose every method is one request to `server`. */
  const apiOf = (server: FakeLimiter) => ({ get: (latencyMs = 50) => server.request(latencyMs) });

  it('waits out a burst of 429s inside the call, heartbeating, and counts each one', async () => {
    const clock = new FakeClock();
    let throttledLeft = 3;
    const api = {
      get: async () => {
        await clock.sleep(50);
        if (throttledLeft-- > 0) {
          throw {
            status: 429,
            headers: { 'retry-after': '4' },
            body: { status: 429, code: 'too.many.requests.retry.after', message: 'Retry the request in [4] seconds' },
          };
        }
        return { status: 200, headers: {}, body: { ok: true } };
      },
    };
    const s = session(clock, 'a', api, scriptedLogin(clock, []));
    await clock.run(s.login());
    const events: ThrottleEvent[] = [];
    const onWait = jest.fn();
    const p = pool(clock, [s], { hooks: { onWait }, onThrottled: (e) => events.push(e) });
    const t0 = clock.now();
    const res = await clock.run(p.call((x) => x.get()));
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(events[0]).toEqual({ clientId: 'a', attempt: 1, retryAfterSeconds: 4 });
    expect(clock.now() - t0).toBeGreaterThanOrEqual(12_000);
    expect(onWait.mock.calls.length).toBeGreaterThanOrEqual(6); // 2 s slices over 12 s
  });

  it('throws the 429 (retryable, with its Retry-After) only once the call budget is spent', async () => {
    const clock = new FakeClock();
    const api = {
      get: async () => {
        await clock.sleep(50);
        throw {
          status: 429,
          headers: { 'retry-after': '30' },
          body: { status: 429, code: 'too.many.requests.retry.after' },
        };
      },
    };
    const s = session(clock, 'a', api, scriptedLogin(clock, []));
    await clock.run(s.login());
    const p = pool(clock, [s], { callBudgetMs: 300_000 });
    const t0 = clock.now();
    const err = await clock.run(p.call((x) => x.get())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect((err as GenesysApiError).status).toBe(429);
    expect(classifyGenesysError(err)).toEqual({ kind: 'rate-limited', retryable: true, retryAfterSeconds: 30 });
    // Temporal retries it (no attempt cap needed for throttling) no sooner than Retry-After says.
    const failure = toDirectoryFailure(err, 'reading group g1');
    expect(failure.type).toBe(FAILURE_TYPES.rateLimited);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(30_000);
    expect(clock.now() - t0).toBeLessThanOrEqual(300_000);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(240_000);
  });

  it('stops waiting at once when the caller is cancelled', async () => {
    const clock = new FakeClock();
    const api = {
      get: async () => {
        await clock.sleep(50);
        throw { status: 429, headers: { 'retry-after': '60' }, body: { status: 429 } };
      },
    };
    const s = session(clock, 'a', api, scriptedLogin(clock, []));
    await clock.run(s.login());
    const controller = new AbortController();
    const hooks: WaitHooks = { signal: () => controller.signal };
    const p = pool(clock, [s], { hooks });
    const reason = new Error('cancelled by the workflow');
    void clock.sleep(3_000).then(() => controller.abort(reason));
    const t0 = clock.now();
    await expect(clock.run(p.call((x) => x.get()))).rejects.toBe(reason);
    expect(clock.now() - t0).toBe(3_000);
  });

  it('lets concurrent 401s share one re-login, and retries each call once', async () => {
    const clock = new FakeClock();
    let generation = 0;
    const login = jest.fn(async (): Promise<LoginResult> => {
      await clock.sleep(100);
      generation += 1;
      return { tokenExpiryTime: clock.now() + 3_600_000 };
    });
    const api = {
      get: async (seenGeneration: () => number) => {
        const g = seenGeneration();
        await clock.sleep(50);
        if (g < 2) throw { status: 401, headers: {}, body: { status: 401, code: 'bad.credentials' } };
        return { status: 200, headers: {}, body: g };
      },
    };
    const s = session(clock, 'a', api, login);
    await clock.run(s.login());
    const p = pool(clock, [s]);
    const results = await clock.run(
      Promise.all(Array.from({ length: 5 }, () => p.call((x) => x.get(() => generation)))),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(login).toHaveBeenCalledTimes(2); // the first login and one shared re-login
  });

  it('throws other failures at once (5xx, 403) for the caller’s retry policy', async () => {
    const clock = new FakeClock();
    const api = {
      get: async (status: number) => {
        await clock.sleep(50);
        throw {
          status,
          headers: {},
          body: { status, code: status === 403 ? 'not.authorized' : 'internal.server.error' },
        };
      },
    };
    const s = session(clock, 'a', api, scriptedLogin(clock, []));
    await clock.run(s.login());
    const p = pool(clock, [s]);
    for (const status of [503, 403]) {
      const t0 = clock.now();
      const err = await clock.run(p.call((x) => x.get(status))).catch((e: unknown) => e);
      expect((err as GenesysApiError).status).toBe(status);
      expect(clock.now() - t0).toBe(50);
    }
  });

  it('spreads calls across a pool: 3 tokens at 60 per window serve 540 calls about 3× faster, without a 429', async () => {
    const run = async (tokens: number) => {
      const clock = new FakeClock();
      const servers = Array.from({ length: tokens }, () => new FakeLimiter(clock, 60, 60_000));
      const sessions = servers.map((server, i) =>
        session(clock, `client-${i}`, apiOf(server), scriptedLogin(clock, [])),
      );
      const p = pool(clock, sessions);
      await clock.run(p.loginAll());
      let left = 540;
      const loop = async () => {
        while (left > 0) {
          left -= 1;
          await p.call((x) => x.get());
        }
      };
      const t0 = clock.now();
      await clock.run(Promise.all(Array.from({ length: 8 }, loop)));
      return { seconds: (clock.now() - t0) / 1000, servers };
    };
    const single = await run(1);
    const triple = await run(3);
    for (const r of [single, triple]) expect(r.servers.reduce((n, s) => n + s.throttled, 0)).toBe(0);
    expect(triple.servers.map((s) => s.served).reduce((a, b) => a + b)).toBe(540);
    for (const s of triple.servers) expect(s.served).toBeGreaterThan(150);
    expect(triple.seconds).toBeLessThan(0.4 * single.seconds);
    if (process.env.GCSYNC_PRINT_FIGURES) console.log({ single: single.seconds, triple: triple.seconds });
  });
});
