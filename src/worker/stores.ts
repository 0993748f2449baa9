/**
 * Opens the worker's state stores — blob store, ownership ledger, audit sink and (with SCIM on) the SCIM outbox — on
 * one backend: with `DATABASE_URL`, one PostgreSQL pool for the whole process, shared by all four (before, each
 * opened its own); otherwise local files.
 */
import type { Pool } from 'pg';
import { openAuditSink } from '../audit/factory';
import { DEFAULT_AUDIT_FILE } from '../audit/jsonl-sink';
import type { AuditSink } from '../audit/sink';
import { ConfigError } from '../config/config-error';
import { DEFAULT_DATA_DIR, type StoreEnv } from '../store/backend';
import { openBlobStore, type BlobStore } from '../store/blob-store';
import { openOwnershipLedger, type OwnershipLedger } from '../store/ownership-ledger';
import { createPool } from '../store/pg';
import { openScimOutbox, type ScimOutbox } from '../store/scim-outbox';

/** Connections the process's pool holds at most unless `GCSYNC_PG_POOL_MAX` says otherwise. */
export const DEFAULT_PG_POOL_MAX = 16;

/** Environment variables read by {@link openWorkerStores}. */
export interface WorkerStoresEnv extends StoreEnv {
  /** JSONL audit file when `DATABASE_URL` is unset. */
  AUDIT_FILE?: string;
  /** Connections the shared PostgreSQL pool may hold (a positive integer). Default 16. */
  GCSYNC_PG_POOL_MAX?: string;
}

/** The opened stores; `close` closes them and then ends the shared pool. */
export interface WorkerStores {
  blobs: BlobStore;
  ledger: OwnershipLedger;
  audit: AuditSink;
  /** Present when asked for (SCIM on). */
  scimOutbox?: ScimOutbox;
  /** Where the stores live, for the worker's start-up lines. */
  describe: { storage: string; audit: string };
  close(): Promise<void>;
}

/**
 * Opens the stores; on any failure closes what was opened (and the pool) and rethrows.
 *
 * @param withScimOutbox - open the SCIM outbox too (the worker does when `SCIM_BASE_URL` is set).
 */
export async function openWorkerStores(env: WorkerStoresEnv, withScimOutbox: boolean): Promise<WorkerStores> {
  const max = poolMax(env.GCSYNC_PG_POOL_MAX);
  const pool = env.DATABASE_URL ? createPool(env.DATABASE_URL, max) : undefined;
  const shared: { pool?: Pool } = pool ? { pool } : {};
  // Closed in reverse: the stores first, the pool they share last.
  const closers: (() => Promise<void>)[] = pool ? [() => pool.end()] : [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const blobs = await openBlobStore(env, shared);
    closers.push(() => blobs.close());
    const ledger = await openOwnershipLedger(env, shared);
    closers.push(() => ledger.close());
    const audit = await openAuditSink(env, shared);
    closers.push(() => audit.close());
    const scimOutbox = withScimOutbox ? await openScimOutbox(env, closers, shared) : undefined;
    return {
      blobs,
      ledger,
      audit,
      ...(scimOutbox ? { scimOutbox } : {}),
      describe: {
        storage: pool
          ? `PostgreSQL (DATABASE_URL, one pool of ≤ ${max} connections)`
          : `local folder ${env.GCSYNC_DATA_DIR || DEFAULT_DATA_DIR}`,
        audit: pool ? 'PostgreSQL table gcsync_audit' : `JSONL ${env.AUDIT_FILE || DEFAULT_AUDIT_FILE}`,
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The pool size from `GCSYNC_PG_POOL_MAX`; a value that is not a positive integer fails start-up, naming it. */
function poolMax(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PG_POOL_MAX;
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigError('storage', [{ variable: 'GCSYNC_PG_POOL_MAX', problem: 'must be a positive integer' }]);
  }
  return max;
}
