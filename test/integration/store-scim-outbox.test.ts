import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openScimOutbox, type ScimOutbox, type ScimOutboxDelta } from '../../src/store/scim-outbox';
import { SCIM_OUTBOX_KEY_RETENTION_MS } from '../../src/store/scim-outbox-common';
import { LocalScimOutbox } from '../../src/store/scim-outbox-local';
import { PostgresScimOutbox } from '../../src/store/scim-outbox-postgres';
import { createTestSchema, type TestSchema } from '../support/postgres';

let dir: string;
let schema: TestSchema;
let instances = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcsync-scim-outbox-'));
  schema = await createTestSchema('gcsync_scim_outbox_test');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await schema.drop();
});

const backends: Array<[string, () => () => ScimOutbox]> = [
  [
    'local',
    () => {
      const root = join(dir, `outbox-${++instances}`);
      return () => new LocalScimOutbox({ dir: root });
    },
  ],
  [
    'postgres',
    () => {
      const table = schema.table(`outbox_${++instances}`);
      return () => new PostgresScimOutbox({ connectionString: schema.url, table });
    },
  ],
];

const delta = (key: string, add: string[], remove: string[], more: Partial<ScimOutboxDelta> = {}): ScimOutboxDelta => ({
  key,
  idpGroupId: 'idp-1',
  groupId: 'g-1',
  groupName: 'Sales',
  add,
  remove,
  ...more,
});

describe.each(backends)('ScimOutbox contract: %s', (_, storage) => {
  let open: () => ScimOutbox;
  const opened: ScimOutbox[] = [];
  const outbox = (): ScimOutbox => {
    const made = open();
    opened.push(made);
    return made;
  };
  beforeEach(() => {
    open = storage();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });

  it('is empty at first', async () => {
    const o = outbox();
    expect(await o.list()).toEqual([]);
    expect(await o.get('idp-1')).toBeUndefined();
  });

  it('merges deltas per IdP group, latest intent per member wins, and keeps the Genesys group', async () => {
    const o = outbox();
    expect(await o.record(delta('run1/g-1', ['a', 'b'], ['c'], { at: '2026-12-01T10:00:00.000Z' }))).toBe(true);
    expect(
      await o.record(delta('run2/g-1', ['c'], ['a'], { at: '2026-12-01T11:00:00.000Z', groupName: 'Sales EU' })),
    ).toBe(true);
    await o.record(delta('run2/g-2', ['z'], [], { idpGroupId: 'idp-2', groupId: 'g-2', groupName: 'Ops' }));

    expect(await o.get('idp-1')).toEqual({
      idpGroupId: 'idp-1',
      groupId: 'g-1',
      groupName: 'Sales EU',
      since: '2026-12-01T10:00:00.000Z',
      ops: 3,
      attempts: 0,
      add: ['b', 'c'],
      remove: ['a'],
    });
    const list = await o.list();
    expect(list.map((s) => [s.idpGroupId, s.ops])).toEqual([
      ['idp-1', 3],
      ['idp-2', 1],
    ]);
  });

  it('records each delta key once, even after its ops were delivered', async () => {
    const o = outbox();
    expect(await o.record(delta('run1/g-1', ['a'], []))).toBe(true);
    await o.record(delta('run2/g-1', [], ['a']));
    // A retry of run 1's activity must not resurrect its stale add over run 2's remove.
    expect(await o.record(delta('run1/g-1', ['a'], []))).toBe(false);
    expect(await o.get('idp-1')).toMatchObject({ add: [], remove: ['a'] });
    expect(await o.clear('idp-1', { add: [], remove: ['a'] })).toBe(0);
    expect(await o.record(delta('run2/g-1', [], ['a']))).toBe(false);
    expect(await o.get('idp-1')).toBeUndefined();
    expect(await o.list()).toEqual([]);
  });

  it('clears only what was delivered and still pending as delivered', async () => {
    const o = outbox();
    await o.record(delta('k1', ['a', 'b'], ['c']));
    // "b" flips to remove while an add of b is in flight: delivering the add must not clear the remove.
    await o.record(delta('k2', [], ['b']));
    expect(await o.clear('idp-1', { add: ['a', 'b'], remove: [] })).toBe(2);
    expect(await o.get('idp-1')).toMatchObject({ add: [], remove: ['b', 'c'], ops: 2 });
    expect(await o.clear('idp-1', { add: [], remove: ['b', 'c'] })).toBe(0);
    expect(await o.get('idp-1')).toBeUndefined();
  });

  it('records failures on a pending entry and forgets them once delivered', async () => {
    const o = outbox();
    await o.markFailed('idp-1', 'nothing pending: ignored');
    expect(await o.get('idp-1')).toBeUndefined();
    await o.record(delta('k1', ['a'], [], { at: '2026-12-01T10:00:00.000Z' }));
    await o.markFailed('idp-1', 'HTTP 503', '2026-12-01T10:05:00.000Z');
    await o.markFailed('idp-1', 'timed out', '2026-12-01T10:10:00.000Z');
    expect((await o.list())[0]).toEqual({
      idpGroupId: 'idp-1',
      groupId: 'g-1',
      groupName: 'Sales',
      since: '2026-12-01T10:00:00.000Z',
      ops: 1,
      attempts: 2,
      lastError: 'timed out',
      lastAttemptAt: '2026-12-01T10:10:00.000Z',
    });
    await o.clear('idp-1', { add: ['a'], remove: [] });
    await o.record(delta('k2', [], ['a'], { at: '2026-12-02T00:00:00.000Z' }));
    expect(await o.get('idp-1')).toMatchObject({ since: '2026-12-02T00:00:00.000Z', attempts: 0, remove: ['a'] });
    expect((await o.get('idp-1'))?.lastError).toBeUndefined();
  });

  it('forgets delta keys after the retention period', async () => {
    const old = new Date(Date.now() - SCIM_OUTBOX_KEY_RETENTION_MS - 60_000).toISOString();
    await outbox().record(delta('ancient', ['a'], [], { at: old }));
    await outbox().clear('idp-1', { add: ['a'], remove: [] });
    // Any later write prunes (PostgreSQL: the first record of an instance, then at most hourly).
    await outbox().record(delta('recent', [], ['b']));
    expect(await outbox().record(delta('ancient', ['a'], [], { at: old }))).toBe(true);
    expect(await outbox().record(delta('recent', [], ['b']))).toBe(false);
  });

  it('grants one delivery lease per group at a time: renewable by its holder, free once released or expired', async () => {
    const [a, b] = [outbox(), outbox()];
    expect(await a.claim('idp-1', 'A', 60_000)).toBe(true); // nothing pending: nothing to guard
    await a.record(delta('k1', ['x'], []));
    expect(await a.claim('idp-1', 'A', 60_000)).toBe(true);
    expect(await b.claim('idp-1', 'B', 60_000)).toBe(false);
    expect(await a.claim('idp-1', 'A', 60_000)).toBe(true); // renewal
    await b.release('idp-1', 'B'); // not the holder: no effect
    expect(await b.claim('idp-1', 'B', 60_000)).toBe(false);
    await a.release('idp-1', 'A');
    // A lease of 0 ms has run out by the next claim (both stores compare against a later clock reading): expiry
    // without waiting for it.
    expect(await b.claim('idp-1', 'B', 0)).toBe(true);
    expect(await a.claim('idp-1', 'A', 60_000)).toBe(true); // B's lease expired
    // Delivered: the lease goes with the entry, and new ops start unleased.
    await a.clear('idp-1', { add: ['x'], remove: [] });
    await b.record(delta('k2', ['y'], []));
    expect(await b.claim('idp-1', 'B', 60_000)).toBe(true);
    expect(await a.claim('idp-2', 'A', 60_000)).toBe(true); // leases are per group
  });

  it('stores nothing for an empty delta', async () => {
    const o = outbox();
    expect(await o.record(delta('k1', [], []))).toBe(true);
    expect(await o.list()).toEqual([]);
  });

  it('is shared between instances and loses no concurrent record', async () => {
    const writers = [outbox(), outbox(), outbox()];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        writers[i % 3].record(delta(`run/${i}`, [`u${String(i).padStart(2, '0')}`], [])),
      ),
    );
    // Each delivered chunk is cleared while new deltas keep arriving for other members.
    await Promise.all([
      writers[0].clear('idp-1', { add: ['u00', 'u01'], remove: [] }),
      writers[1].record(delta('run/late', [], ['u02'])),
      writers[2].record(delta('run/0', ['u00'], [])), // a retry: ignored
    ]);
    const entry = await outbox().get('idp-1');
    expect(entry?.ops).toBe(28);
    expect(entry?.remove).toEqual(['u02']);
    expect(entry?.add).not.toContain('u00');
  });

  it('accepts ids with punctuation and refuses empty ones', async () => {
    const o = outbox();
    await o.record(delta('wf/run/a b', ['user:1'], [], { idpGroupId: 'a/b:c d' }));
    expect(await o.get('a/b:c d')).toMatchObject({ add: ['user:1'] });
    expect(await o.get('a')).toBeUndefined();
    await expect(o.record(delta('', ['x'], []))).rejects.toThrow(TypeError);
    await expect(o.record(delta('k', [''], []))).rejects.toThrow(TypeError);
    await expect(o.record(delta('k', ['x'], [], { idpGroupId: '' }))).rejects.toThrow(TypeError);
  });
});

describe('SCIM outbox storage', () => {
  it('keeps one JSON file per IdP group locally', async () => {
    const root = join(dir, 'files');
    const o = new LocalScimOutbox({ dir: root });
    await o.record(delta('k', ['a'], [], { idpGroupId: 'g/1' }));
    expect(await readdir(join(root, 'scim-outbox'))).toContain('g%2F1.json');
  });

  it('openScimOutbox picks PostgreSQL with DATABASE_URL and local files otherwise, and registers its close', async () => {
    const closers: Array<() => Promise<void>> = [];
    const pg = await openScimOutbox({ DATABASE_URL: schema.url }, closers);
    expect(pg).toBeInstanceOf(PostgresScimOutbox);
    expect(closers).toHaveLength(1);
    await pg.record(delta('k', ['u'], []));
    const { rows } = await schema.pool.query(
      `select idp_group_id, user_id, op from "${schema.name}".gcsync_scim_outbox_ops`,
    );
    expect(rows).toEqual([{ idp_group_id: 'idp-1', user_id: 'u', op: 'add' }]);
    await closers[0]();
    const local = await openScimOutbox({ GCSYNC_DATA_DIR: join(dir, 'env') });
    expect(local).toBeInstanceOf(LocalScimOutbox);
    await local.close();
  });
});
