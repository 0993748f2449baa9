/**
 * Claim-check storage for data too large for workflow history (user snapshots, group members, plans). Workflows hold
 * only the ref, a byte count and a digest; activities put and get the data.
 */
import { openPostgresOrLocal, type SharedPool, type StoreEnv } from './backend';
import { LocalBlobStore } from './local-blob-store';
import { PostgresBlobStore } from './postgres-blob-store';

/** What `put` returns: everything a workflow needs to keep instead of the data. */
export interface BlobPutResult {
  /** Pass to `get`/`has`: `<key>#sha256:<digest>`, pinning the exact content. */
  ref: string;
  /** Size of the value's canonical JSON (uncompressed), in bytes. */
  bytes: number;
  /** Lower-case hex SHA-256 of the value's canonical JSON; equal values give equal digests on every backend. */
  digest: string;
}

/** Claim-check store for JSON values. */
export interface BlobStore {
  /**
   * Stores `value` (anything JSON can represent; `undefined`, functions, `Map`, `NaN`... throw `TypeError`) under
   * `key`. Keys are deterministic, e.g. `snapshots/<workflowId>/<runId>/users.json`, so a retried activity overwrites
   * the same object instead of leaking a new one; writing equal content again is a no-op in effect. Durable when the
   * promise resolves.
   */
  put(key: string, value: unknown): Promise<BlobPutResult>;

  /**
   * Loads the value for a ref from `put` (or a bare key). With a ref, the content is checked against its digest.
   * The result is not validated against `T`; parse it if the data crosses a trust boundary.
   *
   * @throws {BlobNotFoundError} nothing is stored under the key.
   * @throws {BlobIntegrityError} the stored content is not the content the ref pinned.
   */
  get<T>(ref: string): Promise<T>;

  /** True when `get(ref)` would find the content (for a ref: with a matching digest). */
  has(ref: string): Promise<boolean>;

  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Opens the configured blob store: PostgreSQL (`gcsync_blobs`, created if missing, checked before returning) when
 * `DATABASE_URL` is set or a pool is shared, otherwise files under `GCSYNC_DATA_DIR/blobs`. A shared pool stays
 * open when the store closes (the caller ends it).
 */
export async function openBlobStore(env: StoreEnv = process.env, shared: SharedPool = {}): Promise<BlobStore> {
  const gzip = !/^(0|false|no|off)$/i.test(env.GCSYNC_BLOB_GZIP ?? '');
  return openPostgresOrLocal<BlobStore>(env, shared, {
    postgres: (connection) => new PostgresBlobStore({ ...connection, gzip }),
    local: (dir) => new LocalBlobStore({ dir, gzip }),
  });
}
