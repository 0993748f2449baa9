/** Ownership ledger in PostgreSQL, shared by every worker. */
import { connect, onceSuccessful, quoteTableName, runDdl, type OwnedPool, type PgConnection } from './pg';
import type { OwnershipLedger } from './ownership-ledger';

/** Default table name (resolved through the connection's `search_path`). */
export const DEFAULT_LEDGER_TABLE = 'gcsync_owned_members';

/** Options for {@link PostgresOwnershipLedger}: a pool or connection string, and the table. */
export type PostgresOwnershipLedgerOptions = PgConnection & {
  /** Table name, optionally schema-qualified (the schema must exist). Default `gcsync_owned_members`. */
  table?: string;
};

/**
 * {@link OwnershipLedger} over `gcsync_owned_members (group_id text, user_id text, added_at timestamptz,
 * primary key (group_id, user_id))`, created if missing. A row exists while this tool owns the membership; the audit
 * log keeps the history.
 */
export class PostgresOwnershipLedger implements OwnershipLedger {
  /** The table name as configured. */
  readonly table: string;
  private readonly sqlTable: string;
  private readonly db: OwnedPool;
  private closed = false;

  /** Creates the table if missing. Called lazily; call it to fail fast at startup. */
  readonly init: () => Promise<void>;

  constructor(options: PostgresOwnershipLedgerOptions) {
    this.table = options.table ?? DEFAULT_LEDGER_TABLE;
    this.sqlTable = quoteTableName(this.table);
    this.db = connect(options);
    this.init = onceSuccessful(() =>
      runDdl(this.db.pool, `ledger:${this.table}`, [
        `create table if not exists ${this.sqlTable} (
           group_id text not null,
           user_id text not null,
           added_at timestamptz not null default now(),
           primary key (group_id, user_id)
         )`,
      ]),
    );
  }

  /** See {@link OwnershipLedger.recordAdded}. Keeps the first `added_at` on repeats. */
  async recordAdded(groupId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.init();
    await this.db.pool.query(
      `insert into ${this.sqlTable} (group_id, user_id) select $1, unnest($2::text[]) on conflict do nothing`,
      [groupId, [...new Set(userIds)]],
    );
  }

  /** See {@link OwnershipLedger.recordRemoved}. */
  async recordRemoved(groupId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.init();
    await this.db.pool.query(`delete from ${this.sqlTable} where group_id = $1 and user_id = any($2::text[])`, [
      groupId,
      [...userIds],
    ]);
  }

  /** See {@link OwnershipLedger.ownedBy}. Sorted by code point (`collate "C"`), like the local ledger. */
  async ownedBy(groupId: string): Promise<string[]> {
    await this.init();
    const { rows } = await this.db.pool.query<{ user_id: string }>(
      `select user_id from ${this.sqlTable} where group_id = $1 order by user_id collate "C"`,
      [groupId],
    );
    return rows.map((row) => row.user_id);
  }

  /** Ends the pool if this ledger created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.db.owned) await this.db.pool.end();
  }
}
