/**
 * Real-PostgreSQL helpers for integration tests: every test file gets its own schema, so parallel runs (and
 * engineers sharing one server) never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

/** Connection string of the test server (`TEST_DATABASE_URL`, default local trust auth). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema private to one test file. */
export interface TestSchema {
  /** Schema name, e.g. `gcsync_test_lx2k9a_3f9c0d1e`. */
  name: string;
  /** A pool on the test database (search_path unchanged). */
  pool: Pool;
  /** `TEST_DATABASE_URL` with `search_path` set to this schema, for code that only takes a URL. */
  url: string;
  /** Schema-qualified table name, e.g. `table('gcsync_audit')` → `<schema>.gcsync_audit`. */
  table(name: string): string;
  /** Drops the schema and everything in it, and ends the pool. */
  drop(): Promise<void>;
}

/** Creates a uniquely named schema; fails with a hint when the server is unreachable. */
export async function createTestSchema(prefix = 'gcsync_test'): Promise<TestSchema> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  pool.on('error', () => undefined);
  try {
    await pool.query(`create schema "${name}"`);
  } catch (err) {
    await pool.end();
    throw new Error(
      `cannot reach PostgreSQL at ${TEST_DATABASE_URL} (${(err as Error).message}); start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set TEST_DATABASE_URL',
    );
  }
  return {
    name,
    pool,
    url: withSearchPath(TEST_DATABASE_URL, name),
    table: (table) => `${name}.${table}`,
    drop: async () => {
      try {
        await pool.query(`drop schema if exists "${name}" cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}
