/**
 * The ways the real Genesys service misbehaves, as the emulator plays them (issue 7 item 8): listing drift,
 * one-off empty/short pages and moved totals, result windows, the users query/search routes, token-endpoint
 * throttling, bucket size and several OAuth clients, native rule-added members and owners, role grants on groups,
 * and the per-endpoint call counts a benchmark reads. Raw HTTP where the SDK hides details, the SDK where a
 * consumer will call it.
 */
import platformClient from 'purecloud-platform-client-v2';
import { type RunningEmulator, EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator';
import { EmulatorControl } from '../support/emulator-control';
import { loggedInSdk } from '../support/emulator-sdk';

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

interface Page {
  entities: { id: string }[];
  total: number;
  pageCount: number;
  nextUri?: string;
}

const EXTRA = { clientId: 'pool-2', clientSecret: 'pool-2-secret' };
const BASIC =
  'Basic ' + Buffer.from(`${EMULATOR_DEFAULTS.clientId}:${EMULATOR_DEFAULTS.clientSecret}`).toString('base64');

async function call(base: string, method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

async function login(base: string, basic = BASIC): Promise<Answer> {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

describe('emulator: real-service behaviours', () => {
  let emu: RunningEmulator;
  let control: EmulatorControl;
  let token: string;

  /** Follows `nextUri` from page 1 of `GET /api/v2/users?pageSize=25` and returns every page. */
  async function listAll(query = ''): Promise<Page[]> {
    const pages: Page[] = [];
    let path: string | undefined = `/api/v2/users?pageSize=25${query}`;
    while (path !== undefined) {
      const a = await call(emu.url, 'GET', path, token);
      expect(a.status).toBe(200);
      const page = a.json as unknown as Page;
      pages.push(page);
      path = page.nextUri;
    }
    return pages;
  }

  async function activeIds(): Promise<string[]> {
    return emu.state.directory.listUsers('active').map((u) => u.id);
  }

  beforeAll(async () => {
    emu = await startEmulator({
      quiet: true,
      users: 120,
      groups: 4,
      inactiveUsers: 30,
      rateLimitPerMinute: 180,
      extraClients: [EXTRA],
    });
    control = new EmulatorControl(emu.url);
  });

  beforeEach(async () => {
    await control.reset();
    token = await control.issueToken();
  });

  afterAll(async () => {
    await emu.close();
  });

  describe('listing drift', () => {
    it('a user deleted on an earlier page during paging makes one active user never listed', async () => {
      const before = await activeIds();
      await control.usersDrift({ afterPage: 1, deleteCount: 1 });
      const listed = (await listAll()).flatMap((p) => p.entities.map((u) => u.id));
      const { driftEvents } = await control.activeFaults();
      expect(driftEvents).toHaveLength(1);
      const [deleted] = driftEvents[0].deletedUserIds;
      expect(before.slice(0, 25)).toContain(deleted);
      const stillActive = await activeIds();
      expect(stillActive).toHaveLength(119);
      const neverListed = stillActive.filter((id) => !listed.includes(id));
      // The first user of the original page 2 slid onto page 1, which had already been read.
      expect(neverListed).toEqual([before[25]]);
      expect(new Set(listed).size).toBe(listed.length);
    });

    it('a user created on an earlier page during paging makes one user listed twice', async () => {
      const before = await activeIds();
      await control.usersDrift({ afterPage: 2, createCount: 1 });
      const listed = (await listAll()).flatMap((p) => p.entities.map((u) => u.id));
      const { driftEvents } = await control.activeFaults();
      const [created] = driftEvents[0].createdUserIds;
      expect(listed).not.toContain(created);
      const twice = listed.filter((id, i) => listed.indexOf(id) !== i);
      expect(twice).toEqual([before[49]]);
      expect((await activeIds()).indexOf(created)).toBeLessThan(50);
    });

    it('is seeded: the same seed deletes the same users; it fires once', async () => {
      const run = async (): Promise<string[]> => {
        await control.reset();
        await control.usersDrift({ afterPage: 3, deleteCount: 2, createCount: 1 });
        await listAll();
        await listAll();
        return (await control.activeFaults()).driftEvents.flatMap((e) => e.deletedUserIds);
      };
      const first = await run();
      expect(first).toHaveLength(2);
      expect(await run()).toEqual(first);
    });
  });

  describe('one-off page anomalies', () => {
    it('empty page with nextUri and totals intact, once', async () => {
      await control.usersPage({ pageNumber: 2, variant: 'empty' });
      const odd = (await call(emu.url, 'GET', '/api/v2/users?pageSize=25&pageNumber=2', token)).json as unknown as Page;
      expect(odd).toMatchObject({ entities: [], total: 120, pageCount: 5 });
      expect(odd.nextUri).toContain('pageNumber=3');
      const again = (await call(emu.url, 'GET', '/api/v2/users?pageSize=25&pageNumber=2', token))
        .json as unknown as Page;
      expect(again.entities).toHaveLength(25);
    });

    it('empty page without nextUri ends a naive listing early', async () => {
      await control.usersPage({ pageNumber: 3, variant: 'emptyWithoutNextUri' });
      const pages = await listAll();
      expect(pages).toHaveLength(3);
      expect(pages[2]).toMatchObject({ entities: [], total: 120, pageCount: 5 });
      expect(pages[2].nextUri).toBeUndefined();
    });

    it('short page and moved totals', async () => {
      await control.usersPage({ pageNumber: 2, variant: 'short', shortBy: 3 });
      await control.usersPage({ pageNumber: 4, variant: 'totals', totalDelta: 30 });
      const pages = await listAll();
      expect(pages.map((p) => p.entities.length)).toEqual([25, 22, 25, 25, 20]);
      expect(pages[0]).toMatchObject({ total: 120, pageCount: 5 });
      expect(pages[3]).toMatchObject({ total: 150, pageCount: 6 });
    });
  });

  it('best-effort expand: a seeded share of users lose requested expansions until turned off', async () => {
    await control.expandDrop(0.25, ['authorization']);
    const page = (await call(emu.url, 'GET', '/api/v2/users?pageSize=100&expand=authorization,skills', token)).json;
    const users = page.entities as Record<string, unknown>[];
    const dropped = users.filter((u) => u.authorization === undefined);
    expect(dropped.length).toBeGreaterThan(10);
    expect(dropped.length).toBeLessThan(40);
    expect(users.every((u) => Array.isArray(u.skills))).toBe(true);
    await control.faults({ expandDrop: null });
    const again = (await call(emu.url, 'GET', '/api/v2/users?pageSize=100&expand=authorization', token)).json;
    expect((again.entities as Record<string, unknown>[]).every((u) => u.authorization !== undefined)).toBe(true);
  });

  describe('result windows', () => {
    it('defaults: 10,000 for inactive, none for active', async () => {
      const { config } = await control.state({ members: false });
      expect(config).toMatchObject({ inactiveResultWindow: 10_000, activeResultWindow: 0 });
      const late = await call(emu.url, 'GET', '/api/v2/users?state=inactive&pageSize=500&pageNumber=21', token);
      expect(late.status).toBe(400);
      expect((await call(emu.url, 'GET', '/api/v2/users?pageSize=500&pageNumber=21', token)).status).toBe(200);
      expect(
        (await call(emu.url, 'GET', '/api/v2/users?state=inactive&pageSize=500&pageNumber=20', token)).status,
      ).toBe(200);
    });

    it('a page past the window answers 400 bad.request with an ErrorBody; id lookups are not windowed', async () => {
      await control.configure({ activeResultWindow: 50 });
      expect((await call(emu.url, 'GET', '/api/v2/users?pageSize=25&pageNumber=2', token)).status).toBe(200);
      const refused = await call(emu.url, 'GET', '/api/v2/users?pageSize=25&pageNumber=3', token);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({
        code: 'bad.request',
        status: 400,
        message: expect.stringContaining('50'),
        contextId: refused.headers.get('inin-correlation-id'),
        errors: [],
      });
      const ids = (await activeIds()).slice(100, 103).join(',');
      expect((await call(emu.url, 'GET', `/api/v2/users?id=${ids}&pageSize=25&pageNumber=1`, token)).status).toBe(200);
      await control.reset();
      expect((await control.state({ members: false })).config.activeResultWindow).toBe(0);
    });
  });

  describe('users query (cursor) and search', () => {
    it('getUsersQuery pages by cursor, stable under drift, with no result window', async () => {
      const sdk = await loggedInSdk(emu.url, EMULATOR_DEFAULTS.clientId, EMULATOR_DEFAULTS.clientSecret);
      await control.configure({ activeResultWindow: 10 });
      const start = new Set(await activeIds());
      const seen: string[] = [];
      let cursor: string | undefined;
      let first: Awaited<ReturnType<typeof sdk.users.getUsersQuery>> | undefined;
      for (let page = 0; page < 20; page++) {
        const res = await sdk.users.getUsersQuery({ pageSize: 25, cursor, expand: ['authorization'] });
        first ??= res;
        seen.push(...(res.entities ?? []).map((u) => u.id!));
        expect(res.results).toBe(res.entities?.length);
        if (page === 1) {
          // Someone deletes a user already served and creates one: neither shifts the remaining pages.
          await control.deleteUser(seen[3]);
          await control.createUser({ name: 'Late Arrival' });
        }
        cursor = res.cursor;
        if (cursor === undefined) {
          expect(res.nextUri).toBeUndefined();
          break;
        }
        expect(res.nextUri).toContain(`cursor=${cursor}`);
      }
      expect(Object.keys(first!).sort()).toEqual(['cursor', 'entities', 'nextUri', 'results', 'selfUri']);
      expect(first!.entities![0].authorization?.roles?.length).toBeGreaterThan(0);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of start) expect(seen).toContain(id);
      const inactive = await sdk.users.getUsersQuery({ pageSize: 100, state: 'inactive' });
      expect(inactive.entities).toHaveLength(30);
      expect(inactive.cursor).toBeUndefined();
    });

    it('postUsersSearch finds users by email, username or id; q64 follow-up pages; bad criteria are 400', async () => {
      const sdk = await loggedInSdk(emu.url, EMULATOR_DEFAULTS.clientId, EMULATOR_DEFAULTS.clientSecret);
      const users = emu.state.directory.listUsers('active');
      const byEmail = await sdk.users.postUsersSearch({
        pageSize: 25,
        pageNumber: 1,
        expand: ['authorization'],
        query: [{ type: 'EXACT', fields: ['email'], value: users[7].email.toUpperCase() }],
      });
      expect(byEmail).toMatchObject({ total: 1, pageCount: 1, pageSize: 25, pageNumber: 1 });
      expect(byEmail.results[0]).toMatchObject({ id: users[7].id, authorization: { roles: expect.any(Array) } });
      const ids = users.slice(0, 5).map((u) => u.id);
      const byId = await sdk.users.postUsersSearch({
        pageSize: 2,
        query: [{ type: 'EXACT', fields: ['id', 'username'], values: ids }],
      });
      expect(byId).toMatchObject({ total: 5, pageCount: 3 });
      const next = await sdk.users.getUsersSearch(byId.nextPage!);
      expect(next.pageNumber).toBe(2);
      expect(next.results.map((u) => u.id)).toEqual(ids.slice(2, 4));
      const bad = await call(emu.url, 'POST', '/api/v2/users/search', token, {
        query: [{ type: 'CONTAINS', fields: ['email'], value: 'x' }],
      });
      expect(bad.json).toMatchObject({ status: 400, code: 'bad.request' });
    });
  });

  describe('token endpoint, buckets and clients', () => {
    it('throttles the next K token requests with 429 + Retry-After or 400 invalid_request', async () => {
      await control.throttleTokens(1, '429', 3);
      await control.throttleTokens(1, '400');
      const first = await login(emu.url);
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('3');
      expect(first.json).toMatchObject({ status: 429, code: 'too.many.requests.retry.after' });
      const second = await login(emu.url);
      expect(second.status).toBe(400);
      expect(second.json).toEqual({
        error: 'invalid_request',
        description: 'rate limit exceeded; try again later',
        error_description: 'rate limit exceeded; try again later',
      });
      expect((await login(emu.url)).status).toBe(200);
      const calls = await control.calls();
      expect(calls.statuses['POST /oauth/token']).toEqual({ '200': 1, '400': 1, '429': 1 });
      expect(calls.rateLimited.byRoute['POST /oauth/token']).toBe(1);
    });

    it('the SDK sees the 400 throttling body on login', async () => {
      await control.throttleTokens(1, '400');
      await expect(
        loggedInSdk(emu.url, EMULATOR_DEFAULTS.clientId, EMULATOR_DEFAULTS.clientSecret),
      ).rejects.toMatchObject({ response: { status: 400, data: { error: 'invalid_request' } } });
    });

    it('reports the configured bucket (180) and gives each token of each client its own bucket', async () => {
      const a = await call(emu.url, 'GET', '/api/v2/groups', token);
      expect(a.headers.get('inin-ratelimit-allowed')).toBe('180');
      const pooled = await login(
        emu.url,
        'Basic ' + Buffer.from(`${EXTRA.clientId}:${EXTRA.clientSecret}`).toString('base64'),
      );
      expect(pooled.status).toBe(200);
      const other = pooled.json.access_token as string;
      await control.configure({ rateLimitPerMinute: 2 });
      expect((await call(emu.url, 'GET', '/api/v2/groups', token)).status).toBe(200);
      const limited = await call(emu.url, 'GET', '/api/v2/groups', token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('inin-ratelimit-allowed')).toBe('2');
      const b = await call(emu.url, 'GET', '/api/v2/groups', other);
      expect(b.status).toBe(200);
      expect(b.headers.get('inin-ratelimit-count')).toBe('1');
      await control.addClient('pool-3', 'pool-3-secret');
      const sdk3 = await loggedInSdk(emu.url, 'pool-3', 'pool-3-secret');
      await sdk3.groups.getGroups({ pageSize: 1 });
      const calls = await control.calls();
      expect(calls.clients).toEqual({
        [EMULATOR_DEFAULTS.clientId]: { calls: 3, rateLimited: 1 },
        [EXTRA.clientId]: { calls: 1, rateLimited: 0 },
        'pool-3': { calls: 1, rateLimited: 0 },
      });
      expect(calls.rateLimited).toEqual({ total: 1, byRoute: { 'GET /api/v2/groups': 1 } });
      expect((await control.state({ members: false })).config.extraClientIds).toEqual(['pool-2', 'pool-3']);
    });
  });

  describe('division-filtered user reads', () => {
    it('leaves users of divisions the client may not view out of listings, id lookups and search; 404 by id; 403 by cursor', async () => {
      const all = emu.state.directory.listUsers('active');
      const home = all.filter((u) => u.division.name === 'Home');
      const other = all.find((u) => u.division.name !== 'Home')!;
      expect(home.length).toBeGreaterThan(0);
      await control.configure({ userViewDivisions: ['Home'] });

      const pages = await listAll();
      const listed = pages.flatMap((p) => p.entities.map((e) => e.id));
      expect(listed.sort()).toEqual(home.map((u) => u.id).sort());
      expect(pages[0].total).toBe(home.length);

      const byId = await call(emu.url, 'GET', `/api/v2/users?id=${home[0].id},${other.id}&state=any`, token);
      expect((byId.json as unknown as Page).entities.map((e) => e.id)).toEqual([home[0].id]);
      expect((await call(emu.url, 'GET', `/api/v2/users/${other.id}`, token)).status).toBe(404);
      expect((await call(emu.url, 'GET', '/api/v2/users/query?pageSize=25', token)).status).toBe(403);
      const search = await call(emu.url, 'POST', '/api/v2/users/search', token, {
        query: [{ type: 'EXACT', fields: ['id'], values: [home[0].id, other.id] }],
      });
      expect((search.json as { results: { id: string }[] }).results.map((u) => u.id)).toEqual([home[0].id]);

      // A group still lists every individual's id, whatever their division.
      const group = emu.state.listGroups().find((g) => [...g.members].some((id) => !home.some((u) => u.id === id)))!;
      const individuals = await call(emu.url, 'GET', `/api/v2/groups/${group.id}/individuals?pageSize=500`, token);
      expect((individuals.json as unknown as Page).entities.map((e) => e.id).sort()).toEqual([...group.members].sort());

      // A reset restores the view of every division.
      await control.reset();
      expect((await call(emu.url, 'GET', `/api/v2/users/${other.id}`, token)).status).toBe(200);
    });
  });

  describe('native membership and role grants', () => {
    async function fixture(): Promise<{ groupId: string; ind: string; rule: string; owner: string }> {
      const [ind, rule, owner] = await control.createUsers([
        { name: 'Indi Vidual' },
        { name: 'Rule Added' },
        { name: 'Owner Person' },
      ]);
      const group = await control.createGroup({ name: 'Native Group', memberIds: [ind.id] });
      await control.setNativeMembership(group.id, {
        ruleMemberIds: [rule.id],
        ownerIds: [owner.id],
        includeOwners: true,
      });
      return { groupId: group.id, ind: ind.id, rule: rule.id, owner: owner.id };
    }

    it('/individuals lists individual adds only; /members adds rule members and included owners', async () => {
      const f = await fixture();
      const ids = async (suffix: string): Promise<string[]> =>
        (
          (await call(emu.url, 'GET', `/api/v2/groups/${f.groupId}/${suffix}`, token)).json.entities as { id: string }[]
        ).map((u) => u.id);
      expect(await ids('individuals')).toEqual([f.ind]);
      expect(await ids('members')).toEqual([f.ind, f.rule, f.owner]);
      const group = (await call(emu.url, 'GET', `/api/v2/groups/${f.groupId}`, token)).json;
      expect(group).toMatchObject({ includeOwners: true, owners: [{ id: f.owner }], memberCount: 1 });
      await control.setNativeMembership(f.groupId, { includeOwners: false });
      expect(await ids('members')).toEqual([f.ind, f.rule]);
    });

    it('/individuals of a group above individualsPageSize answers the first page, its envelope announcing the rest', async () => {
      const group = emu.state.listGroups().find((g) => g.members.size >= 3)!;
      await control.configure({ individualsPageSize: 2 });
      const page = (await call(emu.url, 'GET', `/api/v2/groups/${group.id}/individuals`, token))
        .json as unknown as Page;
      expect(page.entities).toHaveLength(2);
      expect(page).toMatchObject({ total: group.members.size, pageCount: Math.ceil(group.members.size / 2) });
      expect(page.nextUri).toBeDefined();
      await control.configure({ individualsPageSize: 0 });
      const whole = (await call(emu.url, 'GET', `/api/v2/groups/${group.id}/individuals`, token))
        .json as unknown as Page;
      expect(whole.entities).toHaveLength(group.members.size);
      expect(whole.nextUri).toBeUndefined();
    });

    it('DELETE of a rule-only member: ignore (202, no effect) by default, 400 with ruleMemberDelete reject', async () => {
      const f = await fixture();
      const version = emu.state.getGroup(f.groupId)!.version;
      const path = `/api/v2/groups/${f.groupId}/members?ids=${f.rule}`;
      expect((await call(emu.url, 'DELETE', path, token)).status).toBe(202);
      expect(emu.state.getGroup(f.groupId)!.version).toBe(version);
      expect(emu.state.getGroup(f.groupId)!.ruleMembers?.has(f.rule)).toBe(true);
      await control.configure({ ruleMemberDelete: 'reject' });
      const refused = await call(emu.url, 'DELETE', path, token);
      expect(refused.json).toMatchObject({ status: 400, code: 'bad.request' });
      expect((await call(emu.url, 'DELETE', `/api/v2/groups/${f.groupId}/members?ids=${f.ind}`, token)).status).toBe(
        202,
      );
      expect(emu.state.getGroup(f.groupId)!.version).toBe(version + 1);
    });

    it('groups grant roles: getAuthorizationSubject shape; expand=authorization includes them only when switched on', async () => {
      const f = await fixture();
      await control.grantGroupRole(f.groupId, 'Quality Evaluator', 'EMEA');
      const sdk = await loggedInSdk(emu.url, EMULATOR_DEFAULTS.clientId, EMULATOR_DEFAULTS.clientSecret);
      const authz = new platformClient.AuthorizationApi(sdk.client);
      const subject = await authz.getAuthorizationSubject(f.groupId);
      const role = emu.state.catalog.roles.find((r) => r.name === 'Quality Evaluator')!;
      const emea = emu.state.catalog.divisions.find((d) => d.name === 'EMEA')!;
      expect(subject).toMatchObject({
        id: f.groupId,
        name: 'Native Group',
        version: expect.any(Number),
        grants: [
          { subjectId: f.groupId, division: { id: emea.id, name: 'EMEA' }, role: { id: role.id, name: role.name } },
        ],
      });
      const roleNames = async (userId: string): Promise<string[]> =>
        (await sdk.users.getUser(userId, { expand: ['authorization'] })).authorization!.roles!.map((r) => r.name!);
      expect(await roleNames(f.rule)).toEqual(['Employee']);
      await control.configure({ groupRolesInUserAuthorization: true });
      expect(await roleNames(f.rule)).toEqual(['Employee', 'Quality Evaluator']);
      expect(await roleNames(f.ind)).toEqual(['Employee', 'Quality Evaluator']);
      const userSubject = await authz.getAuthorizationSubject(f.ind);
      expect(userSubject.grants!.map((g) => g.subjectId)).toEqual([f.ind, f.groupId]);
      await expect(authz.getAuthorizationSubject('no-such-subject')).rejects.toMatchObject({ status: 404 });
    });
  });

  it('counts calls per endpoint template, resettable', async () => {
    const [g] = emu.state.listGroups();
    await call(emu.url, 'GET', '/api/v2/users?pageSize=5', token);
    await call(emu.url, 'GET', '/api/v2/users/query?pageSize=5', token);
    await call(emu.url, 'GET', `/api/v2/groups/${g.id}/individuals`, token);
    await call(emu.url, 'POST', `/api/v2/groups/${g.id}/members`, token, { memberIds: [], version: g.version });
    const { counts, writes } = await control.calls();
    expect(counts).toEqual({
      'GET /api/v2/users': 1,
      'GET /api/v2/users/query': 1,
      'GET /api/v2/groups/{id}/individuals': 1,
      'POST /api/v2/groups/{id}/members': 1,
    });
    expect(writes).toHaveLength(1);
    await control.clearCalls();
    expect(await control.calls()).toMatchObject({ counts: {}, total: 0, rateLimited: { total: 0 }, clients: {} });
  });
});
