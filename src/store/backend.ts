/**
 * Where gcsync keeps its state, chosen the same way for every component (blob store, ownership ledger, SCIM outbox,
 * audit sink): PostgreSQL when `DATABASE_URL` is set or a pool is shared, local files otherwise.
 */
import type { Pool } from 'pg';
import type { PgConnection } from './pg';

/** Environment variables that choose and locate the storage. */
export interface StoreEnv {
  /** PostgreSQL connection string; when set (non-empty), data lives in PostgreSQL (shared by all workers). */
  DATABASE_URL?: string;
  /** Local data folder when `DATABASE_URL` is unset. Default `./.gcsync/data`. */
  GCSYNC_DATA_DIR?: string;
  /** `0` or `false` to store blobs uncompressed. Default: gzip. */
  GCSYNC_BLOB_GZIP?: string;
}

/** Default local data folder (relative to the working directory). */
export const DEFAULT_DATA_DIR = './.gcsync/data';

/** A pool the caller owns and shares between components (it ends the pool after closing them). */
export interface SharedPool {
  pool?: Pool;
}

/** How to build one component on either backend. */
export interface PostgresOrLocal<T> {
  /** The PostgreSQL implementation; `init` creates or checks its tables. */
  postgres(connection: PgConnection): T & { init(): Promise<void> };
  /** The local-files implementation, under the data folder. */
  local(dataDir: string): T;
}

/**
 * Opens a component on PostgreSQL (the shared pool, else its own pool on `DATABASE_URL`) or on local files. The
 * PostgreSQL side is initialised before returning, so a bad URL or missing privilege fails at start-up rather than
 * at the first write; a failed start closes what it opened.
 */
export async function openPostgresOrLocal<T extends { close(): Promise<void> }>(
  env: StoreEnv,
  shared: SharedPool,
  make: PostgresOrLocal<T>,
): Promise<T> {
  if (!shared.pool && !env.DATABASE_URL) return make.local(env.GCSYNC_DATA_DIR || DEFAULT_DATA_DIR);
  const component = make.postgres(
    shared.pool ? { pool: shared.pool } : { connectionString: env.DATABASE_URL as string },
  );
  try {
    await component.init();
  } catch (err) {
    await component.close();
    throw err;
  }
  return component;
}
