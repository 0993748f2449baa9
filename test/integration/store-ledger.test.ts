import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalOwnershipLedger } from '../../src/store/local-ownership-ledger';
import { openOwnershipLedger, type OwnershipLedger } from '../../src/store/ownership-ledger';
import { PostgresOwnershipLedger } from '../../src/store/postgres-ownership-ledger';
import { createTestSchema, type TestSchema } from '../support/postgres';

let dir: string;
let schema: TestSchema;
let instances = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcsync-ledger-'));
  schema = await createTestSchema();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await schema.drop();
});

const backends: Array<[string, () => () => OwnershipLedger]> = [
  [
    'local',
    () => {
      const root = join(dir, `ledger-${++instances}`);
      return () => new LocalOwnershipLedger({ dir: root });
    },
  ],
  [
    'postgres',
    () => {
      const table = schema.table(`owned_${++instances}`);
      return () => new PostgresOwnershipLedger({ connectionString: schema.url, table });
    },
  ],
];

describe.each(backends)('OwnershipLedger contract: %s', (_, storage) => {
  let open: () => OwnershipLedger;
  const opened: OwnershipLedger[] = [];
  const ledger = (): OwnershipLedger => {
    const made = open();
    opened.push(made);
    return made;
  };
  beforeEach(() => {
    open = storage();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((l) => l.close()));
  });

  it('returns nothing for an unknown group', async () => {
    expect(await ledger().ownedBy('g-unknown')).toEqual([]);
  });

  it('tracks ids added and not removed since, sorted, per group', async () => {
    const l = ledger();
    await l.recordAdded('g1', ['u3', 'u1', 'u2']);
    await l.recordAdded('g2', ['u9']);
    await l.recordRemoved('g1', ['u2', 'u-never-added']);
    expect(await l.ownedBy('g1')).toEqual(['u1', 'u3']);
    expect(await l.ownedBy('g2')).toEqual(['u9']);
  });

  it('is idempotent under retries and re-adds', async () => {
    const l = ledger();
    await l.recordAdded('g1', ['u1', 'u1', 'u2']);
    await l.recordAdded('g1', ['u1', 'u2']);
    await l.recordRemoved('g1', ['u2']);
    await l.recordRemoved('g1', ['u2']);
    await l.recordAdded('g1', []);
    await l.recordRemoved('g1', []);
    expect(await l.ownedBy('g1')).toEqual(['u1']);
    await l.recordAdded('g1', ['u2']);
    expect(await l.ownedBy('g1')).toEqual(['u1', 'u2']);
  });

  it('is shared between instances and loses no concurrent update', async () => {
    const writers = [ledger(), ledger(), ledger()];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => writers[i % 3].recordAdded('g-busy', [`u${String(i).padStart(2, '0')}`])),
    );
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        writers[i % 3].recordRemoved('g-busy', [`u${String(i * 3).padStart(2, '0')}`]),
      ),
    );
    const owned = await ledger().ownedBy('g-busy');
    expect(owned).toHaveLength(20);
    expect(owned).not.toContain('u00');
    expect(owned).toContain('u01');
  });

  it('accepts group ids with punctuation', async () => {
    const l = ledger();
    await l.recordAdded('a/b:c d', ['u1']);
    expect(await l.ownedBy('a/b:c d')).toEqual(['u1']);
    expect(await l.ownedBy('a')).toEqual([]);
  });
});

describe('ledger storage', () => {
  it('keeps one JSON file per group locally', async () => {
    const root = join(dir, 'files');
    const l = new LocalOwnershipLedger({ dir: root });
    await l.recordAdded('g/1', ['b', 'a']);
    expect(JSON.parse(await readFile(join(root, 'ledger', 'g%2F1.json'), 'utf8'))).toEqual({
      groupId: 'g/1',
      owned: ['a', 'b'],
    });
  });

  it('openOwnershipLedger picks PostgreSQL with DATABASE_URL and local files otherwise', async () => {
    const pg = await openOwnershipLedger({ DATABASE_URL: schema.url });
    expect(pg).toBeInstanceOf(PostgresOwnershipLedger);
    await pg.recordAdded('g', ['u']);
    const { rows } = await schema.pool.query(`select group_id, user_id from "${schema.name}".gcsync_owned_members`);
    expect(rows).toEqual([{ group_id: 'g', user_id: 'u' }]);
    await pg.close();
    const local = await openOwnershipLedger({ GCSYNC_DATA_DIR: join(dir, 'env') });
    expect(local).toBeInstanceOf(LocalOwnershipLedger);
    await local.close();
  });
});
