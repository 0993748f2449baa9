import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { canonicalJson } from '../../src/core/canonical-json';
import { openBlobStore, type BlobStore } from '../../src/store/blob-store';
import { BlobIntegrityError, BlobNotFoundError } from '../../src/store/errors';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { PostgresBlobStore } from '../../src/store/postgres-blob-store';
import { createTestSchema, type TestSchema } from '../support/postgres';

let dir: string;
let schema: TestSchema;
let instances = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcsync-blobs-'));
  schema = await createTestSchema();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await schema.drop();
});

interface BlobHarness {
  /** A store on fresh, empty storage; `again` opens a second store on the same storage. */
  create(gzip?: boolean): { store: BlobStore; again: () => BlobStore; corrupt: (key: string) => Promise<void> };
}

const backends: Array<[string, BlobHarness]> = [
  [
    'local',
    {
      create: (gzip) => {
        const root = join(dir, `store-${++instances}`);
        const open = (): BlobStore => new LocalBlobStore({ dir: root, gzip });
        return {
          store: open(),
          again: open,
          corrupt: (key) => writeFile(join(root, 'blobs', ...key.split('/')), '{"tampered":true}'),
        };
      },
    },
  ],
  [
    'postgres',
    {
      create: (gzip) => {
        const table = schema.table(`blobs_${++instances}`);
        const open = (): BlobStore => new PostgresBlobStore({ connectionString: schema.url, table, gzip });
        return {
          store: open(),
          again: open,
          corrupt: async (key) => {
            await schema.pool.query(
              `update ${table.replace(/(\w+)\.(\w+)/, '"$1"."$2"')} set value = $2 where key = $1`,
              [key, Buffer.from('{"tampered":true}')],
            );
          },
        };
      },
    },
  ],
];

describe.each(backends)('BlobStore contract: %s', (_, harness) => {
  const opened: BlobStore[] = [];
  const create = (gzip?: boolean): ReturnType<BlobHarness['create']> => {
    const made = harness.create(gzip);
    const again = (): BlobStore => {
      const store = made.again();
      opened.push(store);
      return store;
    };
    opened.push(made.store);
    return { ...made, again };
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  const snapshot = {
    users: Array.from({ length: 2000 }, (_, i) => ({ id: `u-${i}`, name: `User ${i}`, roles: ['agent'], dept: null })),
    cursor: 'page-40',
  };

  it.each([true, false])('round-trips values (gzip %s) and reports bytes and digest', async (gzip) => {
    const { store } = create(gzip);
    const put = await store.put('snapshots/wf-1/run-1/users.json', snapshot);
    const json = canonicalJson(snapshot);
    expect(put.bytes).toBe(Buffer.byteLength(json));
    expect(put.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(put.ref).toBe(`snapshots/wf-1/run-1/users.json#sha256:${put.digest}`);
    expect(await store.get(put.ref)).toEqual(snapshot);
    expect(await store.get('snapshots/wf-1/run-1/users.json')).toEqual(snapshot);
  });

  it('stores any JSON value: scalars, arrays, unicode, empty', async () => {
    const { store } = create();
    for (const [i, value] of [0, 'é → ✓', null, [], {}, [1, [2, { a: 'b' }]], true].entries()) {
      const { ref } = await store.put(`values/${i}`, value);
      expect(await store.get(ref)).toEqual(value);
    }
  });

  it('gives equal digests for equal values regardless of key order', async () => {
    const { store } = create();
    const a = await store.put('a', { x: 1, y: [1, 2] });
    const b = await store.put('b', { y: [1, 2], x: 1 });
    expect(a.digest).toBe(b.digest);
  });

  it('overwrites the same key on retry, idempotently', async () => {
    const { store } = create();
    const first = await store.put('plans/wf/run/plan.json', { v: 1 });
    expect(await store.put('plans/wf/run/plan.json', { v: 1 })).toEqual(first);
    const second = await store.put('plans/wf/run/plan.json', { v: 2 });
    expect(await store.get('plans/wf/run/plan.json')).toEqual({ v: 2 });
    expect(await store.get(second.ref)).toEqual({ v: 2 });
    // The old ref pinned other content: refuse rather than hand back a different plan.
    await expect(store.get(first.ref)).rejects.toThrow(BlobIntegrityError);
    expect(await store.has(first.ref)).toBe(false);
    expect(await store.has(second.ref)).toBe(true);
  });

  it('survives concurrent puts of the same key from two stores', async () => {
    const { store, again } = create();
    const other = again();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).put('race/key', { i, pad: 'x'.repeat(10_000) })),
    );
    const value = await store.get<{ i: number }>('race/key');
    expect(results.map((r) => r.digest)).toContain((await store.put('check', value)).digest);
  });

  it('reports missing blobs', async () => {
    const { store } = create();
    await expect(store.get('nope/missing.json')).rejects.toThrow(BlobNotFoundError);
    expect(await store.has('nope/missing.json')).toBe(false);
    expect(await store.has(`nope/missing.json#sha256:${'0'.repeat(64)}`)).toBe(false);
  });

  it('detects stored content that no longer matches the ref', async () => {
    const { store, corrupt } = create(false);
    const { ref } = await store.put('tamper/me', { ok: true });
    await corrupt('tamper/me');
    await expect(store.get(ref)).rejects.toThrow(BlobIntegrityError);
    expect(await store.has(ref)).toBe(false);
  });

  it('is visible to another store instance (shared storage)', async () => {
    const { store, again } = create();
    const { ref } = await store.put('shared/x', [1, 2, 3]);
    expect(await again().get(ref)).toEqual([1, 2, 3]);
  });

  it.each([
    ['empty', ''],
    ['absolute', '/etc/passwd'],
    ['parent', 'a/../b'],
    ['dot segment', 'a/./b'],
    ['double slash', 'a//b'],
    ['backslash', 'a\\b'],
    ['hash sign', 'a#b'],
    ['control char', 'a\nb'],
  ])('rejects a %s key', async (__, key) => {
    const { store } = create();
    await expect(store.put(key, 1)).rejects.toThrow(/invalid blob key/);
  });

  it('accepts keys with workflow-id punctuation', async () => {
    const { store } = create();
    const key = 'snapshots/reconcile:sales@2025-01-01T00:00:00Z/run 1/users*.json';
    const { ref } = await store.put(key, { ok: 1 });
    expect(await store.get(ref)).toEqual({ ok: 1 });
  });

  it('rejects values JSON cannot represent', async () => {
    const { store } = create();
    await expect(store.put('bad', undefined)).rejects.toThrow(TypeError);
    await expect(store.put('bad', { n: NaN })).rejects.toThrow(TypeError);
    await expect(store.put('bad', new Map())).rejects.toThrow(TypeError);
  });
});

describe('LocalBlobStore files', () => {
  it('writes gzip by default, plain JSON when disabled, and reads both', async () => {
    const root = join(dir, 'files');
    const gz = new LocalBlobStore({ dir: root });
    await gz.put('a/b.json', { x: 1 });
    const file = join(root, 'blobs', 'a', 'b.json');
    expect(gunzipSync(await readFile(file)).toString()).toBe('{"x":1}');
    const plain = new LocalBlobStore({ dir: root, gzip: false });
    expect(await plain.get('a/b.json')).toEqual({ x: 1 });
    await plain.put('a/b.json', { x: 2 });
    expect(await readFile(file, 'utf8')).toBe('{"x":2}');
    expect(await gz.get('a/b.json')).toEqual({ x: 2 });
    // No temporary files left behind.
    expect(await readdir(join(root, 'blobs', 'a'))).toEqual(['b.json']);
  });
});

describe('openBlobStore', () => {
  it('uses local files without DATABASE_URL', async () => {
    const store = await openBlobStore({ GCSYNC_DATA_DIR: join(dir, 'env'), GCSYNC_BLOB_GZIP: '0' });
    expect(store).toBeInstanceOf(LocalBlobStore);
    await store.put('k', 1);
    expect(await readFile(join(dir, 'env', 'blobs', 'k'), 'utf8')).toBe('1');
    await store.close();
  });

  it('uses PostgreSQL with DATABASE_URL, creating gcsync_blobs', async () => {
    const store = await openBlobStore({ DATABASE_URL: schema.url });
    expect(store).toBeInstanceOf(PostgresBlobStore);
    await store.put('k', { a: 1 });
    const { rows } = await schema.pool.query(`select key, digest, bytes from "${schema.name}".gcsync_blobs`);
    expect(rows).toEqual([{ key: 'k', digest: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: '7' }]);
    await store.close();
  });

  it('fails fast on an unreachable database', async () => {
    await expect(openBlobStore({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow();
  });
});
