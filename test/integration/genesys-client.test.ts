import { inspect } from 'node:util';
import { loadGenesysConfig, type GenesysConfig } from '../../src/config/genesys-config';
import { type RunningEmulator, startEmulator } from '../../src/emulator';
import { GenesysApiError, GenesysAuthError } from '../../src/genesys/api-error';
import { createGenesysClient, type GenesysClient } from '../../src/genesys/client';
import { classifyGenesysError } from '../../src/genesys/errors';

// Set here as well as in jest.config.js: Jest 30 ignores `testTimeout` inside a `projects` entry.
jest.setTimeout(60_000);

const CLIENT_ID = 'gcsync-it';
const SECRET = 'it-secret-do-not-print';

function configFor(url: string, secret = SECRET, clientId = CLIENT_ID): GenesysConfig {
  return loadGenesysConfig({ GENESYS_API_URL: url, GENESYS_CLIENT_ID: clientId, GENESYS_CLIENT_SECRET: secret });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('createGenesysClient against the emulator', () => {
  let emu: RunningEmulator;
  let genesys: GenesysClient;

  beforeAll(async () => {
    emu = await startEmulator({
      port: 0,
      users: 30,
      groups: 3,
      seed: 7,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      rateLimitPerMinute: 0,
      tokenLifetimeSeconds: 3600,
      quiet: true,
    });
    genesys = await createGenesysClient(configFor(emu.url));
  });

  afterAll(async () => {
    await emu?.close();
  });

  it('logs in through the gateway URL and returns status, headers and body', async () => {
    const page = await genesys.call((api) => api.users.getUsers({ pageSize: 5, expand: ['authorization'] }));
    expect(page.status).toBe(200);
    expect(page.body.entities).toHaveLength(5);
    expect(page.body.entities?.[0].authorization?.roles).toBeDefined();
    expect(page.headers['inin-ratelimit-count']).toBeDefined();
    expect(page.headers['inin-correlation-id']).toBeDefined();
  });

  it('refuses a wrong secret with a GenesysAuthError naming the client, never the secret, without retrying', async () => {
    const wrong = 'wrong-secret-value';
    emu.state.resetCalls();
    const err = await rejectionOf(createGenesysClient(configFor(emu.url, wrong)));
    expect(emu.state.callsReport().statuses['POST /oauth/token']).toEqual({ '400': 1 });
    expect(err).toBeInstanceOf(GenesysAuthError);
    const authError = err as GenesysAuthError;
    expect(authError.message).toBe(`Genesys login failed for client ${CLIENT_ID}: authentication failed`);
    expect(authError.status).toBe(400);
    expect(authError.code).toBe('invalid_client');
    expect(classifyGenesysError(err).kind).toBe('auth');
    const everything = inspect(err, { depth: 10 }) + JSON.stringify(err);
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(Buffer.from(`${CLIENT_ID}:${wrong}`).toString('base64'));
  });

  it('says "client not found" for an unknown client id', async () => {
    const err = await rejectionOf(createGenesysClient(configFor(emu.url, SECRET, 'nobody')));
    expect(err).toBeInstanceOf(GenesysAuthError);
    expect((err as Error).message).toBe('Genesys login failed for client nobody: client not found');
  });

  it('logs in again once after the token is revoked', async () => {
    await genesys.call((api) => api.groups.getGroups({ pageSize: 1 }));
    emu.state.resetCalls();
    const revoked = await fetch(`${emu.url}/__emulator/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(((await revoked.json()) as { revoked: number }).revoked).toBeGreaterThan(0);

    const groups = await genesys.call((api) => api.groups.getGroups({ pageSize: 1 }));
    expect(groups.status).toBe(200);
    const report = emu.state.callsReport();
    expect(report.counts['POST /oauth/token']).toBe(1);
    expect(report.statuses['GET /api/v2/groups']).toEqual({ '200': 1, '401': 1 });
  });

  it('shares one re-login among concurrent calls that all hit 401', async () => {
    emu.state.revokeTokens();
    emu.state.resetCalls();
    const pages = await Promise.all(
      Array.from({ length: 5 }, () => genesys.call((api) => api.users.getUsers({ pageSize: 1 }))),
    );
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
    expect(emu.state.callsReport().counts['POST /oauth/token']).toBe(1);
  });

  it('classifies a stale group version as a conflict', async () => {
    const listing = await genesys.call((api) => api.groups.getGroups({ pageSize: 1 }));
    const group = listing.body.entities?.[0];
    const users = await genesys.call((api) => api.users.getUsers({ pageSize: 1 }));
    const err = await rejectionOf(
      genesys.call((api) =>
        api.groups.postGroupMembers(group?.id ?? '', {
          memberIds: [users.body.entities?.[0].id ?? ''],
          version: (group?.version ?? 1) - 1,
        }),
      ),
    );
    expect(err).toBeInstanceOf(GenesysApiError);
    expect((err as GenesysApiError).status).toBe(409);
    expect(classifyGenesysError(err)).toEqual({ kind: 'conflict', retryable: true });
  });

  it('reports an unreachable service as a network error', async () => {
    const closed = await startEmulator({ port: 0, quiet: true });
    const url = closed.url;
    await closed.close();
    const err = await rejectionOf(createGenesysClient(configFor(url)));
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err).not.toBeInstanceOf(GenesysAuthError);
    expect((err as GenesysApiError).code).toBe('ECONNREFUSED');
    expect(classifyGenesysError(err)).toEqual({ kind: 'network', retryable: true });
  });
});

describe('rate limiting against the emulator', () => {
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startEmulator({
      port: 0,
      users: 10,
      groups: 1,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      rateLimitPerMinute: 4, // per window, which is 1 s here
      rateLimitWindowSeconds: 1,
      quiet: true,
    });
  });

  afterAll(async () => {
    await emu?.close();
  });

  it('turns a 429 into a rate-limited error with retryAfterSeconds from the Retry-After header', async () => {
    const genesys = await createGenesysClient(configFor(emu.url), { pacer: false, callBudgetMs: 0 });
    let err: unknown;
    for (let i = 0; i < 12 && err === undefined; i++) {
      err = await genesys
        .call((api) => api.users.getUsers({ pageSize: 1 }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
    }
    expect(err).toBeInstanceOf(GenesysApiError);
    const apiError = err as GenesysApiError;
    expect(apiError.status).toBe(429);
    expect(apiError.code).toBe('too.many.requests.retry.after');
    expect(apiError.headers?.['retry-after']).toBeDefined();
    expect(apiError.retryAfterSeconds).toBe(Number(apiError.headers?.['retry-after']));
    expect(apiError.rateLimit).toMatchObject({ allowed: 4 });
    const classified = classifyGenesysError(err);
    expect(classified.kind).toBe('rate-limited');
    expect(classified.retryAfterSeconds).toBeGreaterThan(0);
    expect(classified.retryAfterSeconds).toBeLessThanOrEqual(1);
  });

  it('paces calls by the rate-limit headers so a burst of calls never hits 429', async () => {
    const genesys = await createGenesysClient(configFor(emu.url));
    emu.state.resetCalls();
    for (let i = 0; i < 10; i++) {
      const page = await genesys.call((api) => api.users.getUsers({ pageSize: 1 }));
      expect(page.status).toBe(200);
    }
    expect(emu.state.callsReport().statuses['GET /api/v2/users']).toEqual({ '200': 10 });
  });
});

describe('throttling against the emulator', () => {
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startEmulator({
      port: 0,
      users: 10,
      groups: 1,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      rateLimitPerMinute: 6, // per window, which is 1 s here: a bucket far from 300
      rateLimitWindowSeconds: 1,
      quiet: true,
    });
  });

  afterAll(async () => {
    await emu?.close();
  });

  beforeEach(() => {
    emu.state.resetCalls();
  });

  it('retries a throttled token endpoint (429 + Retry-After) inside the login', async () => {
    emu.state.applyFaults({ rateLimitBurst: { count: 2, retryAfterSeconds: 1, pathPrefix: '/oauth/token' } });
    const warnings: string[] = [];
    const genesys = await createGenesysClient(configFor(emu.url), {
      logger: { info: () => undefined, warn: (_o, msg) => warnings.push(msg) },
    });
    expect(genesys.clientId).toBe(CLIENT_ID);
    expect(emu.state.callsReport().statuses['POST /oauth/token']).toEqual({ '200': 1, '429': 2 });
    expect(warnings.filter((w) => w.includes('token endpoint throttled'))).toHaveLength(2);
  });

  it('paces concurrent calls by the bucket the server announces (6 per window): no 429', async () => {
    const genesys = await createGenesysClient(configFor(emu.url));
    emu.state.resetCalls();
    const pages = await Promise.all(
      Array.from({ length: 20 }, () => genesys.call((api) => api.users.getUsers({ pageSize: 1 }))),
    );
    expect(pages.every((p) => p.status === 200)).toBe(true);
    expect(emu.state.callsReport().statuses['GET /api/v2/users']).toEqual({ '200': 20 });
    expect(genesys.stats()).toEqual([expect.objectContaining({ clientId: CLIENT_ID, allowed: 6, throttled: 0 })]);
  });

  it('waits out a burst of 429s inside one call, calling the wait hooks and counting each 429', async () => {
    const throttles: number[] = [];
    const onWait = jest.fn();
    const genesys = await createGenesysClient(configFor(emu.url), {
      waitHooks: { onWait },
      onThrottled: (e) => throttles.push(e.attempt),
    });
    emu.state.resetCalls();
    emu.state.applyFaults({ rateLimitBurst: { count: 3, retryAfterSeconds: 1 } });
    const page = await genesys.call((api) => api.users.getUsers({ pageSize: 1 }));
    expect(page.status).toBe(200);
    expect(throttles).toEqual([1, 2, 3]);
    expect(onWait).toHaveBeenCalled();
    expect(emu.state.callsReport().statuses['GET /api/v2/users']).toEqual({ '200': 1, '429': 3 });
  });

  it('ends a throttled wait when the caller is cancelled', async () => {
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    // Cancelled once the client is waiting out the 429 (its wait hook runs), not after a guessed delay.
    const genesys = await createGenesysClient(configFor(emu.url), {
      waitHooks: { signal: () => controller.signal, onWait: () => controller.abort(reason) },
    });
    emu.state.applyFaults({ rateLimitBurst: { count: 1, retryAfterSeconds: 30 } });
    const started = Date.now();
    await expect(genesys.call((api) => api.users.getUsers({ pageSize: 1 }))).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
    emu.state.applyFaults({}); // the burst is spent; nothing left over for the next test
  });

  it('spreads calls over a token pool, each token with its own budget', async () => {
    // The emulator accepts one OAuth client, but keeps one budget per token (like Genesys): two sessions of the
    // same client are two tokens. (Distinct client ids need the emulator's `extraClients`.)
    const base = configFor(emu.url);
    const pooled = { ...base, clients: [base.clients[0], { ...base.clients[0] }] };
    const genesys = await createGenesysClient(pooled);
    emu.state.resetCalls();
    const started = Date.now();
    const pages = await Promise.all(
      Array.from({ length: 24 }, () => genesys.call((api) => api.users.getUsers({ pageSize: 1 }))),
    );
    expect(pages.every((p) => p.status === 200)).toBe(true);
    expect(emu.state.callsReport().statuses['GET /api/v2/users']).toEqual({ '200': 24 });
    const stats = genesys.stats();
    expect(stats).toHaveLength(2);
    for (const s of stats) {
      expect(s.started).toBeGreaterThanOrEqual(8);
      expect(s.throttled).toBe(0);
    }
    // 24 calls at 5 per window and token: at least 2 windows with two tokens (one token would need 4).
    expect(Date.now() - started).toBeGreaterThan(1_000);
  });
});
