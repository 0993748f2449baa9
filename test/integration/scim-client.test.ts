import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScimNotifier, type ScimNotifier } from '../../src/scim/client';
import type { ScimConfig } from '../../src/scim/config';
import { ScimError } from '../../src/scim/errors';
import { RedactedSecret } from '../../src/scim/secret';
import { startScimServer, type RecordedScimRequest, type ScimTestServer } from '../support/scim-server';

const TOKEN = 'integration-token-7f3c9a';
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

function configFor(
  baseUrl: string,
  overrides: Partial<Omit<ScimConfig, 'token'>> & { token?: string } = {},
): ScimConfig {
  const { token = TOKEN, ...rest } = overrides;
  return { baseUrl, token: new RedactedSecret(token), chunkSize: 100, timeoutMs: 5000, ...rest };
}

async function failureOf(promise: Promise<unknown>): Promise<ScimError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('expected a ScimError');
}

function patchesTo(server: ScimTestServer, groupId: string): RecordedScimRequest[] {
  return server.requests.filter(
    (r) => r.method === 'PATCH' && r.url.endsWith(`/Groups/${encodeURIComponent(groupId)}`),
  );
}

/** Every operation in every recorded PATCH body. */
function recordedOps(requests: RecordedScimRequest[]): Array<{ op: string; path?: string }> {
  return requests.flatMap((r) => (r.body as { Operations: Array<{ op: string; path?: string }> }).Operations);
}

describe('SCIM notifier against a scimmy peer', () => {
  let server: ScimTestServer;
  let notifier: ScimNotifier;

  beforeEach(async () => {
    server = await startScimServer({ token: TOKEN });
    notifier = createScimNotifier(configFor(server.baseUrl));
  });

  afterEach(async () => {
    await server.close();
  });

  it('applies add and remove deltas exactly: after = before + adds - removes', async () => {
    const before = ids('u', 10);
    server.createGroup('grp-1', 'Sales', before);
    const add = ['n-1', 'n-2', 'n-3'];
    const remove = ['u-0', 'u-4', 'u-9'];

    const result = await notifier.notifyGroup({ idpGroupId: 'grp-1', add, remove });

    const expected = [...before.filter((id) => !remove.includes(id)), ...add];
    expect(sorted(server.members('grp-1'))).toEqual(sorted(expected));
    expect(result).toEqual({ requests: 1, ops: 4, statuses: [200], totalChunks: 1, chunkSize: 100 });
  });

  it('sends deltas only: no replace, no unfiltered members remove, removes before adds', async () => {
    server.createGroup('grp-1', 'Sales', ids('u', 40));
    const chunked = createScimNotifier(configFor(server.baseUrl, { chunkSize: 7 }));

    await chunked.notifyGroup({ idpGroupId: 'grp-1', add: ids('n', 12), remove: ids('u', 15) });

    const ops = recordedOps(patchesTo(server, 'grp-1'));
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.some((op) => op.op.toLowerCase() === 'replace')).toBe(false);
    expect(ops.some((op) => op.op.toLowerCase() === 'remove' && op.path === 'members')).toBe(false);
    for (const op of ops.filter((o) => o.op === 'remove')) expect(op.path).toMatch(/^members\[value eq "[^"]+"\]$/);
    const firstAdd = ops.findIndex((op) => op.op === 'add');
    const lastRemove = ops.map((op) => op.op).lastIndexOf('remove');
    expect(lastRemove).toBeLessThan(firstAdd);
    expect(sorted(server.members('grp-1'))).toEqual(sorted([...ids('u', 40).slice(15), ...ids('n', 12)]));
  });

  it('chunks by member changes and sends SCIM headers with the bearer token', async () => {
    server.createGroup('grp-1', 'Sales', ids('u', 5));

    const chunked = createScimNotifier(configFor(server.baseUrl, { chunkSize: 3 }));
    const result = await chunked.notifyGroup({ idpGroupId: 'grp-1', add: ids('n', 4), remove: ids('u', 3) });

    expect(result).toMatchObject({ requests: 3, totalChunks: 3, chunkSize: 3 });
    const patches = patchesTo(server, 'grp-1');
    expect(patches).toHaveLength(3);
    for (const request of patches) {
      expect(request.headers.contentType).toBe('application/scim+json');
      expect(request.headers.accept).toBe('application/scim+json, application/json');
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] });
    }
  });

  it('URL-encodes the group id in the path', async () => {
    server.createGroup('team a/b', 'Odd id', []);

    await notifier.notifyGroup({ idpGroupId: 'team a/b', add: ['x'], remove: [] });

    expect(server.members('team a/b')).toEqual(['x']);
    expect(server.requests.at(-1)?.url).toBe('/scim/v2/Groups/team%20a%2Fb');
  });

  it('sends display names with added members', async () => {
    server.createGroup('grp-1', 'Sales', []);

    await notifier.notifyGroup({ idpGroupId: 'grp-1', add: ['u-1'], remove: [], displayNames: { 'u-1': 'Ada' } });

    expect(server.groups.get('grp-1')?.members).toEqual([{ value: 'u-1', display: 'Ada' }]);
  });

  it('leaves one copy when an existing member is added again, and ignores an absent remove', async () => {
    server.createGroup('grp-1', 'Sales', ['u-1', 'u-2']);

    const result = await notifier.notifyGroup({ idpGroupId: 'grp-1', add: ['u-1'], remove: ['ghost'] });

    expect(server.members('grp-1')).toEqual(['u-1', 'u-2']);
    expect(result.statuses).toHaveLength(1);
  });

  it('sends nothing for an empty delta', async () => {
    server.createGroup('grp-1', 'Sales', ['u-1']);

    const result = await notifier.notifyGroup({ idpGroupId: 'grp-1', add: [], remove: [] });

    expect(result).toEqual({ requests: 0, ops: 0, statuses: [], totalChunks: 0, chunkSize: 100 });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a wrong token with a non-retryable error that does not contain either token', async () => {
    server.createGroup('grp-1', 'Sales', ['u-1']);
    const wrongToken = 'wrong-token-d41d8cd9';
    const wrong = createScimNotifier(configFor(server.baseUrl, { token: wrongToken }));

    const err = await failureOf(wrong.notifyGroup({ idpGroupId: 'grp-1', add: ['u-2'], remove: [] }));

    expect(err).toMatchObject({ kind: 'http', status: 401, retryable: false, chunkIndex: 0 });
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('Bearer token missing or not accepted');
    const everything = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}\n${JSON.stringify(Object.entries(err))}`;
    expect(everything).not.toContain(wrongToken);
    expect(everything).not.toContain(TOKEN);
    expect(err.cause).toBeUndefined();
    expect(server.members('grp-1')).toEqual(['u-1']);
  });

  it('reports a missing group as non-retryable 404', async () => {
    const err = await failureOf(notifier.notifyGroup({ idpGroupId: 'nope', add: ['u-1'], remove: [] }));
    expect(err).toMatchObject({ status: 404, retryable: false });
  });

  it('reports a peer-rejected payload as non-retryable 400 with scimType and detail', async () => {
    await server.close();
    server = await startScimServer({ token: TOKEN, requireKnownMembers: true });
    notifier = createScimNotifier(configFor(server.baseUrl));
    server.createUser('u-1', 'ada');
    server.createGroup('grp-1', 'Sales', []);

    const err = await failureOf(notifier.notifyGroup({ idpGroupId: 'grp-1', add: ['u-1', 'stranger'], remove: [] }));

    expect(err).toMatchObject({ status: 400, retryable: false, scimType: 'invalidValue' });
    expect(err.message).toContain('scimType=invalidValue');
    expect(err.message).toContain('detail="Member stranger is not a known User"');
    // The PatchOp is atomic: the valid member in the same request was not added either.
    expect(server.members('grp-1')).toEqual([]);
  });

  it('turns 429 with Retry-After into a retryable error with retryAfterSeconds', async () => {
    server.createGroup('grp-1', 'Sales', []);
    server.failNext(429, 1, 17);

    const err = await failureOf(notifier.notifyGroup({ idpGroupId: 'grp-1', add: ['u-1'], remove: [] }));

    expect(err).toMatchObject({ kind: 'http', status: 429, retryable: true, retryAfterSeconds: 17 });
    expect(server.members('grp-1')).toEqual([]);
  });

  it('turns 503 into a retryable error, and a plain retry then succeeds', async () => {
    server.createGroup('grp-1', 'Sales', []);
    server.failNext(503);

    const err = await failureOf(notifier.notifyGroup({ idpGroupId: 'grp-1', add: ['u-1'], remove: [] }));
    expect(err).toMatchObject({ status: 503, retryable: true, retryAfterSeconds: undefined });

    await expect(notifier.notifyGroup({ idpGroupId: 'grp-1', add: ['u-1'], remove: [] })).resolves.toMatchObject({
      statuses: [200],
    });
    expect(server.members('grp-1')).toEqual(['u-1']);
  });

  it('resumes from startChunk without resending finished chunks', async () => {
    server.createGroup('grp-1', 'Sales', ids('u', 6));
    const chunked = createScimNotifier(configFor(server.baseUrl, { chunkSize: 2 }));
    const input = { idpGroupId: 'grp-1', add: ids('n', 4), remove: ids('u', 4) }; // 4 chunks of 2 changes
    const done: number[] = [];

    // The third chunk fails, as a crash or an outage would interrupt it.
    const err = await failureOf(
      chunked.notifyGroup({
        ...input,
        onChunkDone: (index, progress) => {
          done.push(index);
          // Removes come first: chunk 0 carries u-0 and u-1, chunk 1 u-2 and u-3.
          expect(progress).toEqual({
            totalChunks: 4,
            chunkSize: 2,
            status: 200,
            removed: ids('u', 4).slice(index * 2, index * 2 + 2),
            added: [],
          });
          if (index === 1) server.failNext(503);
        },
      }),
    );
    expect(err).toMatchObject({ chunkIndex: 2, totalChunks: 4, status: 503, retryable: true });
    expect(done).toEqual([0, 1]);
    const sentBefore = patchesTo(server, 'grp-1').length;

    const resumed = await chunked.notifyGroup({
      ...input,
      startChunk: done[done.length - 1] + 1,
      onChunkDone: (index) => void done.push(index),
    });

    expect(resumed).toEqual({ requests: 2, ops: 2, statuses: [200, 200], totalChunks: 4, chunkSize: 2 });
    expect(done).toEqual([0, 1, 2, 3]);
    const addBody = (values: string[]) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: values.map((value) => ({ value })) }],
    });
    const resent = patchesTo(server, 'grp-1').slice(sentBefore);
    expect(resent.map((r) => r.body)).toEqual([addBody(['n-0', 'n-1']), addBody(['n-2', 'n-3'])]);
    expect(sorted(server.members('grp-1'))).toEqual(sorted(['u-4', 'u-5', ...ids('n', 4)]));
  });

  it('sends nothing when startChunk equals the chunk count, and rejects one beyond it', async () => {
    server.createGroup('grp-1', 'Sales', []);
    const input = { idpGroupId: 'grp-1', add: ['u-1'], remove: [] };

    await expect(notifier.notifyGroup({ ...input, startChunk: 1 })).resolves.toMatchObject({ requests: 0 });
    await expect(notifier.notifyGroup({ ...input, startChunk: 2 })).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('awaits onChunkDone before sending the next chunk and propagates its failure', async () => {
    server.createGroup('grp-1', 'Sales', []);
    const chunked = createScimNotifier(configFor(server.baseUrl, { chunkSize: 1 }));
    const heartbeatFailure = new Error('heartbeat failed');

    await expect(
      chunked.notifyGroup({
        idpGroupId: 'grp-1',
        add: ['a', 'b', 'c'],
        remove: [],
        onChunkDone: async (index) => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          if (index === 1) throw heartbeatFailure;
        },
      }),
    ).rejects.toBe(heartbeatFailure);
    expect(patchesTo(server, 'grp-1')).toHaveLength(2);
  });

  it('stops with a non-retryable cancelled error when the signal aborts', async () => {
    server.createGroup('grp-1', 'Sales', []);
    const controller = new AbortController();
    controller.abort();

    const err = await failureOf(
      notifier.notifyGroup({ idpGroupId: 'grp-1', add: ['u-1'], remove: [], signal: controller.signal }),
    );

    expect(err).toMatchObject({ kind: 'cancelled', retryable: false });
    expect(server.members('grp-1')).toEqual([]);
  });
});

describe('SCIM notifier transport failures', () => {
  it('turns a refused connection into a retryable network error without the token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const notifier = createScimNotifier(configFor(`http://127.0.0.1:${port}/scim/v2`));
    const err = await failureOf(notifier.notifyGroup({ idpGroupId: 'g', add: ['u'], remove: [] }));

    expect(err).toMatchObject({ kind: 'network', retryable: true, code: 'ECONNREFUSED' });
    expect(`${err.message}${JSON.stringify(err)}`).not.toContain(TOKEN);
  });

  it('turns a slow peer into a retryable timeout', async () => {
    const slow: Server = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const { port } = slow.address() as AddressInfo;
    try {
      const notifier = createScimNotifier(configFor(`http://127.0.0.1:${port}/scim/v2`, { timeoutMs: 200 }));
      const err = await failureOf(notifier.notifyGroup({ idpGroupId: 'g', add: ['u'], remove: [] }));
      expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('does not follow redirects, so the token never goes elsewhere', async () => {
    let followed = false;
    const target = createServer((_req, res) => {
      followed = true;
      res.end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const targetPort = (target.address() as AddressInfo).port;
    const redirecting = createServer((_req, res) => {
      res.writeHead(307, { Location: `http://127.0.0.1:${targetPort}/elsewhere` }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const port = (redirecting.address() as AddressInfo).port;
    try {
      const notifier = createScimNotifier(configFor(`http://127.0.0.1:${port}/scim/v2`));
      const err = await failureOf(notifier.notifyGroup({ idpGroupId: 'g', add: ['u'], remove: [] }));
      expect(err).toMatchObject({ status: 307, retryable: false });
      expect(followed).toBe(false);
    } finally {
      for (const s of [target, redirecting]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    }
  });
});
