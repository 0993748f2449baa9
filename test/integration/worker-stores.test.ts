import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlAuditSink } from '../../src/audit/jsonl-sink';
import { PostgresAuditSink } from '../../src/audit/postgres-sink';
import { ConfigError } from '../../src/config/config-error';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { PostgresBlobStore } from '../../src/store/postgres-blob-store';
import { PostgresOwnershipLedger } from '../../src/store/postgres-ownership-ledger';
import { LocalScimOutbox } from '../../src/store/scim-outbox-local';
import { PostgresScimOutbox } from '../../src/store/scim-outbox-postgres';
import { openWorkerStores } from '../../src/worker/stores';
import { createTestSchema, type TestSchema } from '../support/postgres';

let dir: string;
let schema: TestSchema;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcsync-worker-stores-'));
  schema = await createTestSchema();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await schema.drop();
});

/** The schema's URL tagged with an application name, so the server can say how many connections the test opened. */
function taggedUrl(): { url: string; applicationName: string } {
  const applicationName = `gcsync-stores-${randomBytes(4).toString('hex')}`;
  const url = new URL(schema.url);
  url.searchParams.set('application_name', applicationName);
  return { url: url.toString(), applicationName };
}

async function connectionsOf(applicationName: string): Promise<number> {
  const { rows } = await schema.pool.query<{ n: number }>(
    'select count(*)::int as n from pg_stat_activity where application_name = $1',
    [applicationName],
  );
  return rows[0].n;
}

describe('openWorkerStores', () => {
  it('opens all four PostgreSQL stores over one pool: one connection serves them one after another', async () => {
    const { url, applicationName } = taggedUrl();
    const stores = await openWorkerStores({ DATABASE_URL: url }, true);
    try {
      expect(stores.blobs).toBeInstanceOf(PostgresBlobStore);
      expect(stores.ledger).toBeInstanceOf(PostgresOwnershipLedger);
      expect(stores.audit).toBeInstanceOf(PostgresAuditSink);
      expect(stores.scimOutbox).toBeInstanceOf(PostgresScimOutbox);
      await stores.blobs.put('k', { a: 1 });
      await stores.ledger.recordAdded('g', ['u']);
      await stores.scimOutbox?.list();
      const entries: unknown[] = [];
      for await (const entry of stores.audit.read()) entries.push(entry);
      expect(entries).toEqual([]);
      // Each store initialised and used in turn; with a pool each (as before), four connections would stay open.
      expect(await connectionsOf(applicationName)).toBe(1);
      expect(stores.describe.storage).toBe('PostgreSQL (DATABASE_URL, one pool of ≤ 16 connections)');
    } finally {
      await stores.close();
    }
    // The shared pool was ended with the stores.
    await expect(stores.blobs.get('k')).rejects.toThrow(/after calling end on the pool/);
  });

  it('uses local files without DATABASE_URL and opens no SCIM outbox unless asked', async () => {
    const stores = await openWorkerStores(
      { GCSYNC_DATA_DIR: join(dir, 'data'), AUDIT_FILE: join(dir, 'audit.jsonl') },
      false,
    );
    try {
      expect(stores.blobs).toBeInstanceOf(LocalBlobStore);
      expect(stores.audit).toBeInstanceOf(JsonlAuditSink);
      expect(stores.scimOutbox).toBeUndefined();
      expect(stores.describe).toEqual({
        storage: `local folder ${join(dir, 'data')}`,
        audit: `JSONL ${join(dir, 'audit.jsonl')}`,
      });
    } finally {
      await stores.close();
    }
    const withOutbox = await openWorkerStores({ GCSYNC_DATA_DIR: join(dir, 'data') }, true);
    expect(withOutbox.scimOutbox).toBeInstanceOf(LocalScimOutbox);
    await withOutbox.close();
  });

  it('refuses a pool size that is not a positive integer, naming the variable', async () => {
    await expect(openWorkerStores({ DATABASE_URL: schema.url, GCSYNC_PG_POOL_MAX: '0' }, false)).rejects.toThrow(
      new ConfigError('storage', [{ variable: 'GCSYNC_PG_POOL_MAX', problem: 'must be a positive integer' }]),
    );
  });

  it('closes what it opened when a store cannot start (PostgreSQL unreachable)', async () => {
    await expect(openWorkerStores({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, true)).rejects.toThrow();
  });
});
