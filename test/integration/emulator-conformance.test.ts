/**
 * Conformance of the Genesys Cloud emulator, driven through the official SDK (purecloud-platform-client-v2) so
 * that the SDK behaves against the emulator exactly as against the real service (reference/genesys-api.md).
 * Raw HTTP is used only where the SDK cannot express a request or hides what must be checked.
 */
import type { ErrorBody } from '../../src/emulator';
import { type RunningEmulator, EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator';
import { EmulatorControl, startControlledEmulator } from '../support/emulator-control';
import { type EmulatorSdk, loggedInSdk, sdkFor } from '../support/emulator-sdk';

const ID = EMULATOR_DEFAULTS.clientId;
const SECRET = EMULATOR_DEFAULTS.clientSecret;

/** What the SDK rejects with in extended-response mode. */
interface ExtendedFailure {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
}

/** What the SDK resolves with in extended-response mode. */
interface ExtendedSuccess<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** The raw axios error `loginClientCredentialsGrant` rejects with. */
interface LoginFailure {
  response: { status: number; data: unknown };
}

async function rejectionOf<T>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (err) {
    return err as T;
  }
  throw new Error('expected the call to be rejected');
}

function expectErrorBody(body: ErrorBody, status: number, code: string): void {
  expect(body).toEqual(
    expect.objectContaining({
      status,
      code,
      message: expect.any(String),
      messageWithParams: expect.any(String),
      messageParams: expect.any(Object),
      contextId: expect.any(String),
      details: expect.any(Array),
      errors: expect.any(Array),
    }),
  );
}

function expectRateLimitHeaders(headers: Record<string, string>): void {
  expect(headers['inin-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  for (const name of ['inin-ratelimit-count', 'inin-ratelimit-allowed', 'inin-ratelimit-reset']) {
    expect(headers[name]).toMatch(/^\d+$/);
  }
}

describe('Genesys emulator conformance (official SDK)', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let sdk: EmulatorSdk;
  let ext: EmulatorSdk;

  beforeAll(async () => {
    ({ emulator, control } = await startControlledEmulator({
      users: 1234,
      groups: 6,
      seed: 42,
      rateLimitPerMinute: 0,
    }));
    sdk = await loggedInSdk(emulator.url, ID, SECRET);
    ext = await loggedInSdk(emulator.url, ID, SECRET, { extended: true });
  });

  afterAll(async () => {
    await emulator.close();
  });

  describe('OAuth client credentials', () => {
    it('logs in and gets a bearer token with the configured lifetime', async () => {
      const client = sdkFor(emulator.url).client;
      const before = Date.now();
      const auth = await client.loginClientCredentialsGrant(ID, SECRET);
      expect(auth.accessToken).toEqual(expect.any(String));
      expect(auth.tokenExpiryTime).toBeGreaterThanOrEqual(before + 86399 * 1000);
      expect(auth.tokenExpiryTime).toBeLessThanOrEqual(Date.now() + 86399 * 1000);
    });

    it('answers an unknown client id with 400 invalid_client "client not found"', async () => {
      const err = await rejectionOf<LoginFailure>(
        sdkFor(emulator.url).client.loginClientCredentialsGrant('nobody', SECRET),
      );
      expect(err.response.status).toBe(400);
      expect(err.response.data).toEqual({
        error: 'invalid_client',
        description: 'client not found',
        error_description: 'client not found',
      });
    });

    it('answers a wrong secret with 400 invalid_client "authentication failed"', async () => {
      const err = await rejectionOf<LoginFailure>(sdkFor(emulator.url).client.loginClientCredentialsGrant(ID, 'wrong'));
      expect(err.response.status).toBe(400);
      expect(err.response.data).toEqual({
        error: 'invalid_client',
        description: 'authentication failed',
        error_description: 'authentication failed',
      });
    });

    it('rejects an expired token with 401 bad.credentials (the SDK does not re-login)', async () => {
      let clock = Date.now();
      const short = await startEmulator({
        quiet: true,
        users: 5,
        groups: 1,
        tokenLifetimeSeconds: 60,
        now: () => clock,
      });
      try {
        const s = await loggedInSdk(short.url, ID, SECRET);
        await expect(s.groups.getGroups()).resolves.toBeDefined();
        clock += 60_000;
        const err = await rejectionOf<ErrorBody>(s.groups.getGroups());
        expectErrorBody(err, 401, 'bad.credentials');
      } finally {
        await short.close();
      }
    });
  });

  describe('bearer authentication', () => {
    it('answers a request without a token with 401 authentication.required', async () => {
      const anonymous = sdkFor(emulator.url, { extended: true });
      const err = await rejectionOf<ExtendedFailure>(anonymous.groups.getGroups());
      expect(err.status).toBe(401);
      expectErrorBody(err.body, 401, 'authentication.required');
      expect(err.body.message).toBe('No authentication bearer token specified in authorization header.');
      expect(err.headers['inin-correlation-id']).toBe(err.body.contextId);
    });

    it('answers an unknown token with 401 bad.credentials', async () => {
      const bad = sdkFor(emulator.url);
      bad.client.setAccessToken('not-a-token');
      const err = await rejectionOf<ErrorBody>(bad.users.getUsers());
      expectErrorBody(err, 401, 'bad.credentials');
      expect(err.message).toBe('Invalid login credentials.');
    });

    it('answers a revoked token with 401 bad.credentials', async () => {
      const token = await control.issueToken();
      const s = sdkFor(emulator.url);
      s.client.setAccessToken(token);
      await expect(s.groups.getGroups()).resolves.toBeDefined();
      expect(await control.revokeTokens(token)).toBe(1);
      expectErrorBody(await rejectionOf<ErrorBody>(s.groups.getGroups()), 401, 'bad.credentials');
    });
  });

  describe('GET /api/v2/users', () => {
    it('pages 1,234 users at pageSize 500 in 3 pages, every user exactly once', async () => {
      const seen = new Set<string>();
      const pages = [];
      for (let pageNumber = 1; pageNumber <= 3; pageNumber++) {
        const page = await sdk.users.getUsers({ pageSize: 500, pageNumber });
        pages.push(page);
        for (const u of page.entities ?? []) {
          expect(seen.has(u.id!)).toBe(false);
          seen.add(u.id!);
        }
      }
      expect(seen.size).toBe(1234);
      expect(pages.map((p) => p.entities?.length)).toEqual([500, 500, 234]);
      for (const p of pages) {
        expect(p).toEqual(expect.objectContaining({ total: 1234, pageCount: 3, pageSize: 500 }));
        expect(p.firstUri).toBe('/api/v2/users?pageSize=500&pageNumber=1');
        expect(p.lastUri).toBe('/api/v2/users?pageSize=500&pageNumber=3');
      }
      expect(pages[0].previousUri).toBeUndefined();
      expect(pages[0].nextUri).toBe('/api/v2/users?pageSize=500&pageNumber=2');
      expect(pages[1].previousUri).toBe('/api/v2/users?pageSize=500&pageNumber=1');
      expect(pages[1].nextUri).toBe('/api/v2/users?pageSize=500&pageNumber=3');
      expect(pages[2].nextUri).toBeUndefined();
    });

    it('serves the relative nextUri as-is when a client follows it', async () => {
      const first = await sdk.users.getUsers({ pageSize: 100, expand: ['authorization'] });
      expect(first.nextUri).toMatch(/^\/api\/v2\/users\?/);
      // Following nextUri is a raw request: the SDK only pages by pageNumber.
      const res = await fetch(emulator.url + first.nextUri, {
        headers: { Authorization: `Bearer ${await control.issueToken()}` },
      });
      const second = (await res.json()) as { pageNumber: number; entities: { authorization?: unknown }[] };
      expect(second.pageNumber).toBe(2);
      expect(second.entities[0].authorization).toBeDefined();
    });

    it('returns expanded fields only when asked for', async () => {
      const plain = await sdk.users.getUsers({ pageSize: 25 });
      const user = plain.entities![0];
      expect(user).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          name: expect.any(String),
          email: expect.any(String),
          username: expect.any(String),
          state: 'active',
          title: expect.any(String),
          department: expect.any(String),
          version: expect.any(Number),
          selfUri: `/api/v2/users/${user.id}`,
          division: { id: expect.any(String), name: expect.any(String), selfUri: expect.any(String) },
        }),
      );
      for (const u of plain.entities!) {
        for (const field of ['authorization', 'groups', 'skills', 'locations']) expect(u).not.toHaveProperty(field);
      }
      const managed = plain.entities!.find((u) => u.manager);
      expect(managed?.manager).toEqual({
        id: expect.any(String),
        selfUri: expect.stringMatching(/^\/api\/v2\/users\//),
      });

      const expanded = await sdk.users.getUsers({
        pageSize: 200,
        expand: ['authorization', 'groups', 'skills', 'locations'],
      });
      for (const u of expanded.entities!) {
        expect(u.authorization?.roles?.length).toBeGreaterThan(0);
        expect(u.authorization!.roles![0]).toEqual({ id: expect.any(String), name: expect.any(String) });
        expect(Array.isArray(u.groups)).toBe(true);
        expect(Array.isArray(u.skills)).toBe(true);
        expect(Array.isArray(u.locations)).toBe(true);
      }
      const skilled = expanded.entities!.find((u) => (u.skills ?? []).length > 0)!;
      expect(skilled.skills![0]).toEqual(
        expect.objectContaining({ id: expect.any(String), name: expect.any(String), proficiency: expect.any(Number) }),
      );
      const located = expanded.entities!.find((u) => (u.locations ?? []).length > 0)!;
      expect(located.locations![0].locationDefinition).toEqual(
        expect.objectContaining({ id: expect.any(String), name: expect.any(String) }),
      );
      const grouped = expanded.entities!.find((u) => (u.groups ?? []).length > 0)!;
      expect(grouped.groups![0]).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String) }));
    });

    it('fetches users by id list (comma-joined by the SDK)', async () => {
      const all = await sdk.users.getUsers({ pageSize: 3 });
      const ids = all.entities!.map((u) => u.id!);
      const byId = await sdk.users.getUsers({ id: [ids[2], ids[0], 'no-such-user'] });
      expect(byId.total).toBe(2);
      expect(byId.entities!.map((u) => u.id)).toEqual([ids[2], ids[0]]);
    });

    it('refuses pageSize above 500 with 400 bad.request', async () => {
      expectErrorBody(await rejectionOf<ErrorBody>(sdk.users.getUsers({ pageSize: 501 })), 400, 'bad.request');
    });
  });

  describe('groups', () => {
    beforeEach(async () => {
      await control.reset();
    });

    it('lists groups with the envelope and reads one group', async () => {
      const list = await sdk.groups.getGroups({ pageSize: 4 });
      expect(list).toEqual(expect.objectContaining({ total: 6, pageCount: 2, pageNumber: 1 }));
      expect(list.nextUri).toBe('/api/v2/groups?pageSize=4&pageNumber=2');
      const group = await sdk.groups.getGroup(list.entities![0].id!);
      expect(group).toEqual({
        id: list.entities![0].id,
        name: expect.any(String),
        description: expect.any(String),
        version: expect.any(Number),
        memberCount: expect.any(Number),
        type: 'official',
        visibility: 'public',
        rulesVisible: true,
        // Roles can be granted only to groups with roles enabled (reference §3.2); here: the groups given grants.
        rolesEnabled: false,
        dateModified: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        state: 'active',
        selfUri: `/api/v2/groups/${group.id}`,
      });
      const byId = await sdk.groups.getGroups({ id: [group.id!] });
      expect(byId.entities!.map((g) => g.id)).toEqual([group.id]);
    });

    it('answers an unknown group with 404 not.found', async () => {
      const err = await rejectionOf<ExtendedFailure>(ext.groups.getGroup('00000000-0000-4000-8000-000000000000'));
      expect(err.status).toBe(404);
      expectErrorBody(err.body, 404, 'not.found');
    });

    it('lists all individuals without paging and members with paging', async () => {
      const [group] = (await control.state()).groups;
      const individuals = await sdk.groups.getGroupIndividuals(group.id);
      expect(individuals.entities!.map((u) => u.id)).toEqual(group.members);
      expect(individuals.total).toBe(group.memberCount);
      const members = await sdk.groups.getGroupMembers(group.id, { pageSize: 10, pageNumber: 2 });
      expect(members.entities!.map((u) => u.id)).toEqual(group.members!.slice(10, 20));
      expect(members.total).toBe(group.memberCount);
    });

    it('adds members with the current version: 202, version and dateModified move', async () => {
      const group = (await sdk.groups.getGroups({ pageSize: 1 })).entities![0];
      const outsider = (await sdk.users.getUsers({ pageSize: 500 })).entities!.find(
        (u) => !emulator.state.groupMembers(group.id!).includes(u.id!),
      )!;
      const res = (await ext.groups.postGroupMembers(group.id!, {
        memberIds: [outsider.id!],
        version: group.version!,
      })) as ExtendedSuccess;
      expect(res.status).toBe(202);
      expectRateLimitHeaders(res.headers);
      const after = await sdk.groups.getGroup(group.id!);
      expect(after.version).toBe(group.version! + 1);
      expect(after.memberCount).toBe(group.memberCount! + 1);
      expect(Date.parse(after.dateModified!)).toBeGreaterThan(Date.parse(group.dateModified!));
      const individuals = await sdk.groups.getGroupIndividuals(group.id!);
      expect(individuals.entities!.map((u) => u.id)).toContain(outsider.id);
    });

    it('removes members with DELETE ?ids=: 202, removed, version moves', async () => {
      const [snap] = (await control.state()).groups;
      const victims = snap.members!.slice(0, 2);
      const res = (await ext.groups.deleteGroupMembers(snap.id, victims.join(','))) as ExtendedSuccess;
      expect(res.status).toBe(202);
      const after = await sdk.groups.getGroup(snap.id);
      expect(after.version).toBe(snap.version + 1);
      expect(after.memberCount).toBe(snap.memberCount - 2);
      const ids = (await sdk.groups.getGroupIndividuals(snap.id)).entities!.map((u) => u.id);
      for (const v of victims) expect(ids).not.toContain(v);
    });

    it('answers a stale version with 409 general.conflict and changes nothing', async () => {
      const [snap] = (await control.state()).groups;
      const err = await rejectionOf<ErrorBody>(
        sdk.groups.postGroupMembers(snap.id, { memberIds: [snap.members![0]], version: snap.version - 1 }),
      );
      expectErrorBody(err, 409, 'general.conflict');
      expect(err.message).toBe('Resource conflict - Unexpected version was provided');
      expect((await sdk.groups.getGroup(snap.id)).version).toBe(snap.version);
    });

    it('refuses more than 50 ids with 400 bad.request on POST and DELETE', async () => {
      const [snap] = (await control.state()).groups;
      const ids = (await sdk.users.getUsers({ pageSize: 51 })).entities!.map((u) => u.id!);
      expect(ids).toHaveLength(51);
      const post = await rejectionOf<ErrorBody>(
        sdk.groups.postGroupMembers(snap.id, { memberIds: ids, version: snap.version }),
      );
      expectErrorBody(post, 400, 'bad.request');
      const del = await rejectionOf<ErrorBody>(sdk.groups.deleteGroupMembers(snap.id, ids.join(',')));
      expectErrorBody(del, 400, 'bad.request');
      expect((await sdk.groups.getGroup(snap.id)).version).toBe(snap.version);
    });

    it('refuses unknown user ids with 400 invalid.value and a missing version with 400', async () => {
      const [snap] = (await control.state()).groups;
      const unknown = await rejectionOf<ErrorBody>(
        sdk.groups.postGroupMembers(snap.id, { memberIds: ['no-such-user'], version: snap.version }),
      );
      expectErrorBody(unknown, 400, 'invalid.value');
      const noVersion = await rejectionOf<ErrorBody>(
        sdk.groups.postGroupMembers(snap.id, { memberIds: [snap.members![0]] }),
      );
      expectErrorBody(noVersion, 400, 'bad.request');
    });

    it('treats adding an existing member and removing a non-member as accepted no-ops', async () => {
      const [snap] = (await control.state()).groups;
      await sdk.groups.postGroupMembers(snap.id, { memberIds: [snap.members![0]], version: snap.version });
      const outsider = emulator.state.listUsers().find((u) => !snap.members!.includes(u.id))!;
      await sdk.groups.deleteGroupMembers(snap.id, outsider.id);
      const after = await sdk.groups.getGroup(snap.id);
      expect(after.version).toBe(snap.version);
      expect(after.memberCount).toBe(snap.memberCount);
    });
  });

  describe('rate limiting and headers', () => {
    let limited: RunningEmulator;
    let clock: number;

    beforeAll(async () => {
      clock = Date.now();
      limited = await startEmulator({ quiet: true, users: 10, groups: 2, rateLimitPerMinute: 5, now: () => clock });
    });

    afterAll(async () => {
      await limited.close();
    });

    it('counts requests per token in the headers and answers 429 with Retry-After once over budget', async () => {
      const s = await loggedInSdk(limited.url, ID, SECRET, { extended: true });
      const counts: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = (await s.groups.getGroups()) as ExtendedSuccess;
        expect(res.status).toBe(200);
        expectRateLimitHeaders(res.headers);
        expect(res.headers['inin-ratelimit-allowed']).toBe('5');
        counts.push(res.headers['inin-ratelimit-count']);
      }
      expect(counts).toEqual(['1', '2', '3', '4', '5']);
      clock += 15_000;
      const err = await rejectionOf<ExtendedFailure>(s.groups.getGroups());
      expect(err.status).toBe(429);
      expect(err.headers['retry-after']).toBe('45');
      expect(err.headers['inin-ratelimit-reset']).toBe('45');
      expectRateLimitHeaders(err.headers);
      expectErrorBody(err.body, 429, 'too.many.requests.retry.after');
      expect(err.body.message).toBe('Rate limit exceeded the maximum. Retry the request in [45] seconds');
      expect(err.headers['inin-correlation-id']).toBe(err.body.contextId);

      // Another token has its own budget.
      const other = await loggedInSdk(limited.url, ID, SECRET);
      await expect(other.groups.getGroups()).resolves.toBeDefined();

      // The fixed window resets after 60 s.
      clock += 45_000;
      const again = (await s.groups.getGroups()) as ExtendedSuccess;
      expect(again.headers['inin-ratelimit-count']).toBe('1');
    });

    it('keeps status 429 in the body for clients in the SDK default mode', async () => {
      const s = await loggedInSdk(limited.url, ID, SECRET);
      for (let i = 0; i < 5; i++) await s.groups.getGroups();
      expectErrorBody(await rejectionOf<ErrorBody>(s.groups.getGroups()), 429, 'too.many.requests.retry.after');
    });
  });

  describe('control API faults', () => {
    beforeEach(async () => {
      await control.reset();
    });

    it('answers the next N matching requests with 429 and the configured Retry-After', async () => {
      await control.faults({ rateLimitBurst: { count: 2, retryAfterSeconds: 3, pathPrefix: '/api/v2/groups' } });
      await expect(ext.users.getUsers({ pageSize: 1 })).resolves.toBeDefined();
      for (let i = 0; i < 2; i++) {
        const err = await rejectionOf<ExtendedFailure>(ext.groups.getGroups());
        expect(err.status).toBe(429);
        expect(err.headers['retry-after']).toBe('3');
        expect(err.body.message).toBe('Rate limit exceeded the maximum. Retry the request in [3] seconds');
      }
      await expect(ext.groups.getGroups()).resolves.toEqual(expect.objectContaining({ status: 200 }));
      const calls = await control.calls();
      expect(calls.statuses['GET /api/v2/groups']).toEqual({ '200': 1, '429': 2 });
    });

    it('injects a concurrent edit before the next write, which then gets 409; a re-read write succeeds', async () => {
      const group = (await sdk.groups.getGroups({ pageSize: 1 })).entities![0];
      const members = emulator.state.groupMembers(group.id!);
      const outsiders = emulator.state
        .listUsers()
        .filter((u) => !members.includes(u.id))
        .map((u) => u.id);
      await control.faults({
        concurrentEdit: {
          groupId: group.id!,
          addUserIds: [outsiders[0]],
          removeUserIds: [members[0]],
          onNextWrite: true,
        },
      });
      expect((await sdk.groups.getGroup(group.id!)).version).toBe(group.version);

      const err = await rejectionOf<ErrorBody>(
        sdk.groups.postGroupMembers(group.id!, { memberIds: [outsiders[1]], version: group.version! }),
      );
      expectErrorBody(err, 409, 'general.conflict');

      const reread = await sdk.groups.getGroup(group.id!);
      expect(reread.version).toBe(group.version! + 1);
      const ids = (await sdk.groups.getGroupIndividuals(group.id!)).entities!.map((u) => u.id);
      expect(ids).toContain(outsiders[0]);
      expect(ids).not.toContain(members[0]);
      expect(ids).not.toContain(outsiders[1]);

      await sdk.groups.postGroupMembers(group.id!, { memberIds: [outsiders[1]], version: reread.version! });
      expect((await sdk.groups.getGroup(group.id!)).version).toBe(group.version! + 2);

      const writes = (await control.calls()).writes.map((w) => [w.source, w.status]);
      expect(writes).toEqual([
        ['external', 200],
        ['api', 409],
        ['api', 202],
      ]);
    });

    it('applies an immediate concurrent edit at once', async () => {
      const [snap] = (await control.state()).groups;
      await control.faults({ concurrentEdit: { groupId: snap.id, removeUserIds: [snap.members![0]] } });
      const after = await sdk.groups.getGroup(snap.id);
      expect(after.version).toBe(snap.version + 1);
      expect(after.memberCount).toBe(snap.memberCount - 1);
    });

    it('makes member writes to one group answer 403 until cleared', async () => {
      const [a, b] = (await control.state()).groups;
      await control.faults({ groupStatus: { groupId: a.id, status: 403 } });
      const post = await rejectionOf<ExtendedFailure>(
        ext.groups.postGroupMembers(a.id, { memberIds: [a.members![0]], version: a.version }),
      );
      expect(post.status).toBe(403);
      expectErrorBody(post.body, 403, 'not.authorized');
      expectErrorBody(
        await rejectionOf<ErrorBody>(sdk.groups.deleteGroupMembers(a.id, a.members![0])),
        403,
        'not.authorized',
      );
      await expect(sdk.groups.getGroup(a.id)).resolves.toBeDefined();
      await expect(sdk.groups.deleteGroupMembers(b.id, b.members![0])).resolves.toBeUndefined();

      await control.faults({ groupStatus: { groupId: a.id, status: null } });
      await expect(sdk.groups.deleteGroupMembers(a.id, a.members![0])).resolves.toBeUndefined();
    });

    it('injects 5xx bursts and latency', async () => {
      await control.faults({ serverErrorBurst: { count: 1, status: 503 } });
      const err = await rejectionOf<ExtendedFailure>(ext.groups.getGroups());
      expect(err.status).toBe(503);
      expectErrorBody(err.body, 503, 'service.unavailable');
      await control.faults({ clear: true, latencyMs: 150 });
      const started = Date.now();
      await sdk.groups.getGroups();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('creates fixtures the SDK can see, counts calls by route and resets to the seed', async () => {
      const before = await control.state({ members: false });
      const user = await control.createUser({
        name: 'Casey Contractor',
        title: 'Contractor - Agent',
        department: 'Sales',
        division: 'EMEA',
        roles: ['Agent', 'Brand New Role'],
      });
      expect(user.authorization.roles.map((r) => r.name)).toEqual(['Agent', 'Brand New Role']);
      const group = await control.createGroup({ name: 'Fixture Group', memberIds: [user.id] });
      const fetched = await sdk.users.getUsers({ id: [user.id], expand: ['authorization', 'groups'] });
      expect(fetched.entities![0].groups!.map((g) => g.id)).toEqual([group.id]);
      expect((await sdk.groups.getGroup(group.id)).memberCount).toBe(1);

      const calls = await control.calls();
      expect(calls.counts['GET /api/v2/users']).toBe(1);
      expect(calls.counts['GET /api/v2/groups/{id}']).toBe(1);

      const reset = await control.reset();
      expect(reset.users.total).toBe(before.users.total);
      expect(reset.groups.map((g) => [g.id, g.version])).toEqual(before.groups.map((g) => [g.id, g.version]));
      expect((await control.calls()).total).toBe(0);
      expectErrorBody(await rejectionOf<ErrorBody>(sdk.groups.getGroup(group.id)), 404, 'not.found');
    });

    it('refuses malformed fault specs with 400', async () => {
      await expect(control.faults({ rateLimitBursts: {} } as never)).rejects.toMatchObject({ status: 400 });
    });
  });
});
