/** Blob store in PostgreSQL, shared by every worker. */
import { formatRef, parseRef, assertValidKey } from './blob-key';
import { compress, encodeValue, sha256Hex, toJsonBytes } from './blob-codec';
import type { BlobPutResult, BlobStore } from './blob-store';
import { BlobIntegrityError, BlobNotFoundError } from './errors';
import { connect, onceSuccessful, quoteTableName, runDdl, type OwnedPool, type PgConnection } from './pg';

/** Default table name (resolved through the connection's `search_path`). */
export const DEFAULT_BLOB_TABLE = 'gcsync_blobs';

/** Options for {@link PostgresBlobStore}: a pool or connection string, the table, compression. */
export type PostgresBlobStoreOptions = PgConnection & {
  /** Table name, optionally schema-qualified (the schema must exist). Default `gcsync_blobs`. */
  table?: string;
  /** Gzip stored values. Default true. Reading handles both. */
  gzip?: boolean;
};

/**
 * {@link BlobStore} over `gcsync_blobs (key text primary key, value bytea, digest text, bytes bigint, created_at,
 * updated_at)`, created if missing. `value` holds canonical JSON (gzipped by default) rather than `jsonb`, which would
 * re-parse large snapshots on every write and cannot store every JSON string. `put` is an idempotent upsert.
 */
export class PostgresBlobStore implements BlobStore {
  /** The table name as configured. */
  readonly table: string;
  private readonly sqlTable: string;
  private readonly db: OwnedPool;
  private readonly gzip: boolean;
  private closed = false;

  /** Creates the table if missing. Called lazily; call it to fail fast at startup. */
  readonly init: () => Promise<void>;

  constructor(options: PostgresBlobStoreOptions) {
    this.table = options.table ?? DEFAULT_BLOB_TABLE;
    this.sqlTable = quoteTableName(this.table);
    this.db = connect(options);
    this.gzip = options.gzip ?? true;
    this.init = onceSuccessful(() =>
      runDdl(this.db.pool, `blobs:${this.table}`, [
        `create table if not exists ${this.sqlTable} (
           key text primary key,
           value bytea not null,
           digest text not null,
           bytes bigint not null,
           created_at timestamptz not null default now(),
           updated_at timestamptz not null default now()
         )`,
      ]),
    );
  }

  /** See {@link BlobStore.put}. Rewriting identical content leaves the row untouched. */
  async put(key: string, value: unknown): Promise<BlobPutResult> {
    assertValidKey(key);
    const { json, digest } = encodeValue(value);
    const stored = this.gzip ? await compress(json) : json;
    await this.init();
    await this.db.pool.query(
      `insert into ${this.sqlTable} as t (key, value, digest, bytes) values ($1, $2, $3, $4)
       on conflict (key) do update
         set value = excluded.value, digest = excluded.digest, bytes = excluded.bytes, updated_at = now()
         where t.digest <> excluded.digest`,
      [key, stored, digest, json.length],
    );
    return { ref: formatRef(key, digest), bytes: json.length, digest };
  }

  /** See {@link BlobStore.get}. */
  async get<T>(ref: string): Promise<T> {
    const json = await this.load(ref);
    if (!json) throw new BlobNotFoundError(ref);
    return JSON.parse(json.toString('utf8')) as T;
  }

  /**
   * See {@link BlobStore.has}. A bare key is an existence check; a ref with a digest reads and hashes the value, so
   * that `has` is true exactly when `get` would succeed.
   */
  async has(ref: string): Promise<boolean> {
    const { key, digest } = parseRef(ref);
    await this.init();
    if (digest === undefined) {
      const { rowCount } = await this.db.pool.query(`select 1 from ${this.sqlTable} where key = $1`, [key]);
      return rowCount === 1;
    }
    try {
      return (await this.load(ref)) !== undefined;
    } catch (err) {
      if (err instanceof BlobIntegrityError) return false;
      throw err;
    }
  }

  private async load(ref: string): Promise<Buffer | undefined> {
    const { key, digest } = parseRef(ref);
    await this.init();
    const { rows } = await this.db.pool.query<{ value: Buffer }>(`select value from ${this.sqlTable} where key = $1`, [
      key,
    ]);
    if (rows.length === 0) return undefined;
    const json = await toJsonBytes(rows[0].value);
    if (digest !== undefined) {
      const actual = sha256Hex(json);
      if (actual !== digest) throw new BlobIntegrityError(ref, actual);
    }
    return json;
  }

  /** Ends the pool if this store created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.db.owned) await this.db.pool.end();
  }
}
