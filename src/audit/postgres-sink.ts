/**
 * Production audit sink: one PostgreSQL table shared by all workers.
 *
 * Each append is one transaction holding a transaction-scoped advisory lock, so exactly one writer at a time reads
 * the head and extends the chain, across any number of processes and hosts. The unique `id` column makes
 * de-duplication a database guarantee, not just a check.
 */
import { EMPTY_HEAD, type AuditEntry, type AuditEvent, type ChainHead } from './entry';
import { sealBatch } from './chain';
import { validateAuditEvents } from './event-schema';
import { GroupCommit } from './group-commit';
import { parseSince } from './since';
import type { AppendResult, AuditSink, ReadOptions } from './sink';
import { baseTableName, connect, onceSuccessful, quoteTableName, runDdl, withAdvisoryLock } from '../store/pg';
import type { OwnedPool, PgConnection } from '../store/pg';

/** Default table name (resolved through the connection's `search_path`). */
export const DEFAULT_AUDIT_TABLE = 'gcsync_audit';

const READ_PAGE_ROWS = 500;

/** Options for {@link PostgresAuditSink}: a pool or connection string, and the table. */
export type PostgresAuditSinkOptions = PgConnection & {
  /** Table name, optionally schema-qualified (`schema.table`; the schema must exist). Default `gcsync_audit`. */
  table?: string;
};

/**
 * PostgreSQL audit sink over `gcsync_audit (seq bigint primary key, id text unique not null, at timestamptz,
 * type text, entry jsonb not null, prev_hash text, hash text)`, created if missing. `entry` holds the complete stored
 * entry (what is hashed); the other columns are copies for querying.
 */
export class PostgresAuditSink implements AuditSink {
  /** The table name as configured. */
  readonly table: string;
  private readonly sqlTable: string;
  private readonly db: OwnedPool;
  private readonly commits = new GroupCommit((events) => this.appendLocked(events));
  private closed = false;

  /** Creates the table and index if missing. Called lazily by `append` and `read`; call it to fail fast at startup. */
  readonly init: () => Promise<void>;

  constructor(options: PostgresAuditSinkOptions) {
    this.table = options.table ?? DEFAULT_AUDIT_TABLE;
    this.sqlTable = quoteTableName(this.table);
    this.db = connect(options);
    const index = quoteTableName(`${baseTableName(this.table)}_at_idx`);
    this.init = onceSuccessful(() =>
      runDdl(this.db.pool, `audit:${this.table}`, [
        `create table if not exists ${this.sqlTable} (
           seq bigint primary key,
           id text not null unique,
           at timestamptz not null,
           type text not null,
           entry jsonb not null,
           prev_hash text not null,
           hash text not null
         )`,
        `create index if not exists ${index} on ${this.sqlTable} (at)`,
      ]),
    );
  }

  /**
   * See {@link AuditSink.append}. One transaction per batch: appends that queue behind one in progress in this
   * process are committed together.
   */
  async append(events: AuditEvent[]): Promise<AppendResult> {
    this.assertOpen();
    const valid = validateAuditEvents(events);
    if (valid.length === 0) return { appended: 0, skipped: 0 };
    await this.init();
    return this.commits.submit(valid);
  }

  /** Appends one batch in a transaction under the advisory lock; returns the ids it stored. */
  private appendLocked(valid: AuditEvent[]): Promise<ReadonlySet<string>> {
    return withAdvisoryLock(this.db.pool, `audit:${this.table}`, async (client) => {
      const headRow = await client.query<{ seq: string; hash: string }>(
        `select seq, hash from ${this.sqlTable} order by seq desc limit 1`,
      );
      const head: ChainHead = headRow.rows[0]
        ? { seq: Number(headRow.rows[0].seq), hash: headRow.rows[0].hash }
        : EMPTY_HEAD;
      const existing = await client.query<{ id: string }>(
        `select id from ${this.sqlTable} where id = any($1::text[])`,
        [valid.map((event) => event.id)],
      );
      const stored = new Set(existing.rows.map((row) => row.id));
      const batch = sealBatch(valid, head, (id) => stored.has(id));
      if (batch.entries.length > 0) {
        const { entries } = batch;
        const inserted = await client.query(
          `insert into ${this.sqlTable} (seq, id, at, type, entry, prev_hash, hash)
           select * from unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[], $5::jsonb[], $6::text[],
                                $7::text[])
           on conflict (id) do nothing`,
          [
            entries.map((e) => e.seq),
            entries.map((e) => e.id),
            entries.map((e) => e.at),
            entries.map((e) => e.type),
            entries.map((e) => JSON.stringify(e)),
            entries.map((e) => e.prevHash),
            entries.map((e) => e.hash),
          ],
        );
        // Cannot happen while every writer takes the lock; if it does, committing would fork the chain.
        if (inserted.rowCount !== entries.length) {
          throw new Error(`audit append raced with an unlocked writer on ${this.table}; rolled back`);
        }
      }
      return new Set(batch.entries.map((entry) => entry.id));
    });
  }

  /** See {@link AuditSink.read}. Pages through the table by `seq` (no long-lived cursor or transaction). */
  async *read(opts: ReadOptions = {}): AsyncGenerator<AuditEntry> {
    this.assertOpen();
    // Normalised by JavaScript so both sinks accept exactly the same `since` values.
    const sinceMs = parseSince(opts.since);
    const since = sinceMs === undefined ? null : new Date(sinceMs).toISOString();
    await this.init();
    let after = 0;
    for (;;) {
      const page = await this.db.pool.query<{ seq: string; entry: AuditEntry }>(
        `select seq, entry from ${this.sqlTable}
         where seq > $1 and ($2::timestamptz is null or at >= $2::timestamptz)
         order by seq limit $3`,
        [after, since, READ_PAGE_ROWS],
      );
      for (const row of page.rows) yield row.entry;
      if (page.rows.length < READ_PAGE_ROWS) return;
      after = Number(page.rows[page.rows.length - 1].seq);
    }
  }

  /** Ends the pool if this sink created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.drained();
    if (this.db.owned) await this.db.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('audit sink is closed');
  }
}
