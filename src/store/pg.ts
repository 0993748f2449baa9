/** PostgreSQL plumbing shared by the audit sink, blob store, ownership ledger and SCIM outbox. */
import { createHash } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';

/** Either a pool to share (the caller ends it) or a connection string (the component owns and ends its pool). */
export type PgConnection = { pool: Pool } | { connectionString: string };

/** A pool plus whether the component that opened it must end it. */
export interface OwnedPool {
  pool: Pool;
  owned: boolean;
}

/** Connections a component opening its own pool may hold (a process sharing one pool sizes it itself). */
const OWN_POOL_MAX = 4;

/** Creates a pool on `connectionString` holding at most `max` connections. The caller ends it. */
export function createPool(connectionString: string, max: number = OWN_POOL_MAX): Pool {
  const pool = new Pool({ connectionString, max });
  // An idle client losing its connection must not crash the worker; the next query gets a fresh one.
  pool.on('error', () => undefined);
  return pool;
}

/** Resolves a {@link PgConnection} into a pool. */
export function connect(connection: PgConnection): OwnedPool {
  if ('pool' in connection) return { pool: connection.pool, owned: false };
  return { pool: createPool(connection.connectionString), owned: true };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Validates and double-quotes a table name, optionally schema-qualified (`schema.table`), for interpolation into
 * SQL. Names are configuration, never user input, but they are still checked since they cannot be bound parameters.
 */
export function quoteTableName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new Error(`invalid table name ${JSON.stringify(name)} (expected [schema.]table, letters/digits/_)`);
  }
  return parts.map((part) => `"${part}"`).join('.');
}

/** The unqualified part of a table name, for naming its indexes. */
export function baseTableName(name: string): string {
  return name.split('.').pop() ?? name;
}

/** Namespace of every advisory lock this project takes (first key of the two-int form): "gcsy". */
const LOCK_NAMESPACE = 0x67637379;

/**
 * A stable advisory-lock key for a named resource. The namespace keeps our locks apart from other applications',
 * and keying by table name lets separate tables (e.g. per-test schemas) have independent writers.
 */
export function advisoryLockKey(resource: string): [number, number] {
  return [LOCK_NAMESPACE, createHash('sha256').update(resource).digest().readInt32BE(0)];
}

/**
 * Runs `fn` in a READ COMMITTED transaction holding the transaction-scoped advisory lock for `resource`; commits if
 * it resolves, rolls back if it throws. READ COMMITTED is explicit because each statement after the lock must see
 * rows committed by the previous lock holder, which REPEATABLE READ (if it were the server default) would hide.
 */
export async function withAdvisoryLock<T>(
  pool: Pool,
  resource: string,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin isolation level read committed');
    await client.query('select pg_advisory_xact_lock($1::int, $2::int)', advisoryLockKey(resource));
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    // A client whose rollback failed is in an unknown state: destroy it instead of returning it to the pool.
    client.release(broken);
  }
}

/**
 * Runs DDL statements under the resource's advisory lock, so concurrent first users do not race on
 * `create ... if not exists` (which can fail with a unique violation in the system catalog).
 */
export async function runDdl(pool: Pool, resource: string, ddl: readonly string[]): Promise<void> {
  await withAdvisoryLock(pool, `ddl:${resource}`, async (client) => {
    for (const statement of ddl) await client.query(statement);
  });
}

/** Wraps an initialiser so it runs once when it succeeds, and again on the next call when it failed (database down). */
export function onceSuccessful(init: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= init().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
