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

  it('refuses a wrong secret with a GenesysAuthError naming the client, never the secret', async () => {
    const wrong = 'wrong-secret-value';
    const err = await rejectionOf(createGenesysClient(configFor(emu.url, wrong)));
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
    const genesys = await createGenesysClient(configFor(emu.url), { pacer: false });
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
