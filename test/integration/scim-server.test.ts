/** Checks the SCIM test peer itself, chiefly the scimmy gaps it works around, using plain fetch as the client. */
import { startScimServer, type ScimTestServer } from '../support/scim-server';

const TOKEN = 'peer-token';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function call(server: ScimTestServer, method: string, path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/scim+json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined,
  };
}

const patch = (server: ScimTestServer, path: string, Operations: unknown[]) =>
  call(server, 'PATCH', path, { schemas: [PATCH_OP], Operations });

describe('SCIM test peer', () => {
  let server: ScimTestServer;

  beforeEach(async () => {
    server = await startScimServer({ token: TOKEN });
  });

  afterEach(async () => {
    await server.close();
  });

  it('listens on loopback under /scim/v2 and serves groups created with a given id', async () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    server.createGroup('genesys-group-1', 'Sales', ['u-1', { value: 'u-2', display: 'Bob' }]);

    const read = await call(server, 'GET', '/Groups/genesys-group-1');

    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toContain('application/scim+json');
    expect(read.json).toMatchObject({
      id: 'genesys-group-1',
      displayName: 'Sales',
      members: [{ value: 'u-1' }, { value: 'u-2', display: 'Bob' }],
    });
  });

  it('filters group lists', async () => {
    server.createGroup('g1', 'Sales', []);
    server.createGroup('g2', 'Support', []);

    const list = await call(server, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "Support"')}`);

    expect(list.json).toMatchObject({ totalResults: 1, Resources: [{ id: 'g2' }] });
  });

  it('paginates group lists (scimmy-routers alone loses startIndex/count under Express 5)', async () => {
    for (const id of ['g1', 'g2', 'g3']) server.createGroup(id, id, []);

    const page = await call(server, 'GET', '/Groups?startIndex=2&count=1');

    expect(page.json).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1, Resources: [{ id: 'g2' }] });
  });

  it('answers 401 with a SCIM error for a wrong token, without applying anything', async () => {
    server.createGroup('g1', 'Sales', ['u-1']);
    const add = { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: 'u-2' }] }] };

    const read = await call(server, 'GET', '/Groups/g1', undefined, 'nope');
    const write = await call(server, 'PATCH', '/Groups/g1', add, 'nope');

    expect(read.status).toBe(401);
    expect(write.status).toBe(401);
    expect(write.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    expect(server.members('g1')).toEqual(['u-1']);
  });

  it('dedupes a repeated add (scimmy would append a second copy)', async () => {
    server.createGroup('g1', 'Sales', ['u-1']);

    await patch(server, '/Groups/g1', [{ op: 'add', path: 'members', value: [{ value: 'u-1' }, { value: 'u-1' }] }]);

    expect(server.members('g1')).toEqual(['u-1']);
  });

  it.each(['attributes=displayName', 'excludedAttributes=members'])(
    'ignores ?%s on PATCH (scimmy would wipe the members)',
    async (query) => {
      server.createGroup('g1', 'Sales', ['u-1', 'u-2']);

      const res = await patch(server, `/Groups/g1?${query}`, [
        { op: 'add', path: 'members', value: [{ value: 'u-3' }] },
      ]);

      expect(res.status).toBe(200);
      expect(server.members('g1')).toEqual(['u-1', 'u-2', 'u-3']);
    },
  );

  it('validates PatchOp bodies itself (scimmy rejects a wrong schema)', async () => {
    server.createGroup('g1', 'Sales', []);

    const res = await call(server, 'PATCH', '/Groups/g1', {
      schemas: ['urn:wrong'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: 'u-1' }] }],
    });

    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ scimType: 'invalidSyntax' });
  });

  it('generates ids on POST (a client-supplied id is read-only)', async () => {
    const created = await call(server, 'POST', '/Groups', { id: 'mine', displayName: 'Posted' });

    expect(created.status).toBe(201);
    expect(created.json?.id).not.toBe('mine');
    expect(server.groups.get(created.json?.id as string)?.displayName).toBe('Posted');
  });

  it('fails the next n PATCH requests as asked, with Retry-After, and records them', async () => {
    server.createGroup('g1', 'Sales', []);
    server.failNext(429, 2, 3);
    const add = [{ op: 'add', path: 'members', value: [{ value: 'u-1' }] }];

    const read = await call(server, 'GET', '/Groups/g1');
    const first = await patch(server, '/Groups/g1', add);
    const second = await patch(server, '/Groups/g1', add);
    const third = await patch(server, '/Groups/g1', add);

    expect(read.status).toBe(200);
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.json).toMatchObject({ status: '429', detail: 'injected failure' });
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'PATCH', 'PATCH']);
    expect(server.requests[1]).toMatchObject({
      url: '/scim/v2/Groups/g1',
      headers: { contentType: 'application/scim+json', authorization: `Bearer ${TOKEN}` },
      body: { schemas: [PATCH_OP], Operations: add },
    });
  });

  it('keeps two servers in one process apart despite scimmy being a singleton', async () => {
    const other = await startScimServer({ token: 'other-token' });
    try {
      server.createGroup('g1', 'Mine', []);
      other.createGroup('g1', 'Theirs', []);

      await patch(server, '/Groups/g1', [{ op: 'add', path: 'members', value: [{ value: 'u-1' }] }]);

      expect(server.members('g1')).toEqual(['u-1']);
      expect(other.members('g1')).toEqual([]);
      expect((await call(other, 'GET', '/Groups/g1')).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('rejects unknown members when asked to, leaving the group unchanged', async () => {
    const strict = await startScimServer({ token: TOKEN, requireKnownMembers: true });
    try {
      strict.createUser('u-1', 'ada');
      strict.createGroup('g1', 'Sales', ['legacy']);

      const bad = await patch(strict, '/Groups/g1', [
        { op: 'add', path: 'members', value: [{ value: 'u-1' }, { value: 'ghost' }] },
      ]);
      const good = await patch(strict, '/Groups/g1', [{ op: 'add', path: 'members', value: [{ value: 'u-1' }] }]);

      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ scimType: 'invalidValue' });
      expect(good.status).toBe(200);
      expect(strict.members('g1')).toEqual(['legacy', 'u-1']);
    } finally {
      await strict.close();
    }
  });
});
