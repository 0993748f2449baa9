/** SCIM outbox in PostgreSQL, shared by every worker. */
import type { PoolClient } from 'pg';
import { clearDelivered, mergeDelta, pendingDelta, type PendingOp } from '../scim/outbox-delta';
import {
  baseTableName,
  connect,
  onceSuccessful,
  quoteTableName,
  runDdl,
  withAdvisoryLock,
  type OwnedPool,
  type PgConnection,
} from './pg';
import { assertOutboxId, isoTime, SCIM_OUTBOX_KEY_RETENTION_MS } from './scim-outbox-common';
import type { ScimOutbox, ScimOutboxDelta, ScimOutboxEntry, ScimOutboxSummary } from './scim-outbox';

/** Default table name (resolved through the connection's `search_path`); `_ops` and `_keys` tables go beside it. */
export const DEFAULT_SCIM_OUTBOX_TABLE = 'gcsync_scim_outbox';

/** Options for {@link PostgresScimOutbox}: a pool or connection string, and the table. */
export type PostgresScimOutboxOptions = PgConnection & {
  /** Entry table name, optionally schema-qualified (the schema must exist). Default `gcsync_scim_outbox`. */
  table?: string;
};

interface EntryRow {
  idp_group_id: string;
  group_id: string;
  group_name: string;
  since: Date;
  attempts: number;
  last_error: string | null;
  last_attempt_at: Date | null;
  ops: string;
}

// Pruning old delta keys needs no precision: once an hour per process is plenty.
const PRUNE_EVERY_MS = 3600 * 1000;

/**
 * {@link ScimOutbox} over three tables, created if missing: `<table>` (one row per IdP group with pending ops:
 * Genesys group, `since`, failures), `<table>_ops` (pending op per member) and `<table>_keys` (delta keys already
 * recorded). Every write runs in one transaction under a per-group advisory lock, so a record and a clear of the
 * same group never interleave and a crash leaves either all of a write or none of it.
 */
export class PostgresScimOutbox implements ScimOutbox {
  /** The entry table name as configured. */
  readonly table: string;
  private readonly sql: { entries: string; ops: string; keys: string };
  private readonly db: OwnedPool;
  private closed = false;
  private lastPrune = 0;

  /** Creates the tables if missing. Called lazily; call it to fail fast at startup. */
  readonly init: () => Promise<void>;

  constructor(options: PostgresScimOutboxOptions) {
    this.table = options.table ?? DEFAULT_SCIM_OUTBOX_TABLE;
    this.sql = {
      entries: quoteTableName(this.table),
      ops: quoteTableName(`${this.table}_ops`),
      keys: quoteTableName(`${this.table}_keys`),
    };
    this.db = connect(options);
    const base = baseTableName(this.table);
    this.init = onceSuccessful(() =>
      runDdl(this.db.pool, `scim-outbox:${this.table}`, [
        `create table if not exists ${this.sql.entries} (
           idp_group_id text primary key,
           group_id text not null,
           group_name text not null,
           since timestamptz not null,
           attempts integer not null default 0,
           last_error text,
           last_attempt_at timestamptz,
           lease_holder text,
           lease_until timestamptz
         )`,
        `create table if not exists ${this.sql.ops} (
           idp_group_id text not null,
           user_id text not null,
           op text not null check (op in ('add', 'remove')),
           primary key (idp_group_id, user_id)
         )`,
        `create table if not exists ${this.sql.keys} (
           delta_key text primary key,
           idp_group_id text not null,
           recorded_at timestamptz not null
         )`,
        `create index if not exists "${base}_keys_recorded_at" on ${this.sql.keys} (recorded_at)`,
      ]),
    );
  }

  /** See {@link ScimOutbox.record}. */
  async record(delta: ScimOutboxDelta): Promise<boolean> {
    assertOutboxId(delta.key, 'delta key');
    assertOutboxId(delta.idpGroupId, 'idpGroupId');
    assertOutboxId(delta.groupId, 'groupId');
    const at = isoTime(delta.at);
    // Validates the ids before anything is written; the stored ops are merged under the lock below.
    const incoming = mergeDelta(new Map(), delta);
    await this.init();
    await this.pruneKeys();
    return this.locked(delta.idpGroupId, async (client) => {
      const inserted = await client.query(
        `insert into ${this.sql.keys} (delta_key, idp_group_id, recorded_at) values ($1, $2, $3)
         on conflict do nothing`,
        [delta.key, delta.idpGroupId, at],
      );
      if (inserted.rowCount === 0) return false;
      if (incoming.size === 0) return true;
      await client.query(
        `insert into ${this.sql.entries} (idp_group_id, group_id, group_name, since) values ($1, $2, $3, $4)
         on conflict (idp_group_id) do update set group_id = excluded.group_id, group_name = excluded.group_name`,
        [delta.idpGroupId, delta.groupId, delta.groupName, at],
      );
      // One row per member (mergeDelta already applied the remove-then-add order); the latest op replaces any other.
      const ids = [...incoming.keys()];
      await client.query(
        `insert into ${this.sql.ops} (idp_group_id, user_id, op)
         select $1, u.id, u.op from unnest($2::text[], $3::text[]) as u(id, op)
         on conflict (idp_group_id, user_id) do update set op = excluded.op`,
        [delta.idpGroupId, ids, ids.map((id) => incoming.get(id))],
      );
      return true;
    });
  }

  /** See {@link ScimOutbox.get}. Reads under the group's lock, so entry and ops are one consistent state. */
  async get(idpGroupId: string): Promise<ScimOutboxEntry | undefined> {
    assertOutboxId(idpGroupId, 'idpGroupId');
    await this.init();
    return this.locked(idpGroupId, async (client) => {
      const entry = await this.entryRow(client, idpGroupId);
      if (!entry) return undefined;
      const ops = await this.opsOf(client, idpGroupId);
      if (ops.size === 0) return undefined;
      return { ...toSummary(entry, ops.size), ...pendingDelta(ops) };
    });
  }

  /** See {@link ScimOutbox.clear}. */
  async clear(idpGroupId: string, delivered: { add: readonly string[]; remove: readonly string[] }): Promise<number> {
    assertOutboxId(idpGroupId, 'idpGroupId');
    await this.init();
    return this.locked(idpGroupId, async (client) => {
      const ops = await this.opsOf(client, idpGroupId);
      const left = clearDelivered(ops, delivered);
      const gone = [...ops.keys()].filter((id) => !left.has(id));
      if (gone.length > 0) {
        await client.query(`delete from ${this.sql.ops} where idp_group_id = $1 and user_id = any($2::text[])`, [
          idpGroupId,
          gone,
        ]);
      }
      if (left.size === 0) await client.query(`delete from ${this.sql.entries} where idp_group_id = $1`, [idpGroupId]);
      return left.size;
    });
  }

  /** See {@link ScimOutbox.claim}. One conditional update; the database clock decides expiry for every worker. */
  async claim(idpGroupId: string, holder: string, ttlMs: number): Promise<boolean> {
    assertOutboxId(idpGroupId, 'idpGroupId');
    assertOutboxId(holder, 'lease holder');
    await this.init();
    const { rows } = await this.db.pool.query<{ held: boolean }>(
      `with claimed as (
         update ${this.sql.entries}
         set lease_holder = $2, lease_until = now() + $3 * interval '1 millisecond'
         where idp_group_id = $1 and (lease_holder is null or lease_holder = $2 or lease_until <= now())
         returning 1
       )
       select exists (select 1 from claimed) or not exists (
         select 1 from ${this.sql.entries} where idp_group_id = $1
       ) as held`,
      [idpGroupId, holder, ttlMs],
    );
    return rows[0].held;
  }

  /** See {@link ScimOutbox.release}. */
  async release(idpGroupId: string, holder: string): Promise<void> {
    assertOutboxId(idpGroupId, 'idpGroupId');
    await this.init();
    await this.db.pool.query(
      `update ${this.sql.entries} set lease_holder = null, lease_until = null
       where idp_group_id = $1 and lease_holder = $2`,
      [idpGroupId, holder],
    );
  }

  /** See {@link ScimOutbox.markFailed}. */
  async markFailed(idpGroupId: string, error: string, at?: string): Promise<void> {
    assertOutboxId(idpGroupId, 'idpGroupId');
    const when = isoTime(at);
    await this.init();
    await this.db.pool.query(
      `update ${this.sql.entries} set attempts = attempts + 1, last_error = $2, last_attempt_at = $3
       where idp_group_id = $1`,
      [idpGroupId, error, when],
    );
  }

  /** See {@link ScimOutbox.list}. */
  async list(): Promise<ScimOutboxSummary[]> {
    await this.init();
    const { rows } = await this.db.pool.query<EntryRow>(
      `select e.*, count(o.user_id)::text as ops
       from ${this.sql.entries} e join ${this.sql.ops} o on o.idp_group_id = e.idp_group_id
       group by e.idp_group_id
       order by e.since, e.idp_group_id collate "C"`,
    );
    return rows.map((row) => toSummary(row, Number(row.ops)));
  }

  /** Ends the pool if this outbox created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.db.owned) await this.db.pool.end();
  }

  private locked<T>(idpGroupId: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return withAdvisoryLock(this.db.pool, `scim-outbox:${this.table}:${idpGroupId}`, fn);
  }

  private async entryRow(client: PoolClient, idpGroupId: string): Promise<EntryRow | undefined> {
    const { rows } = await client.query<EntryRow>(
      `select *, '0' as ops from ${this.sql.entries} where idp_group_id = $1`,
      [idpGroupId],
    );
    return rows[0];
  }

  private async opsOf(client: PoolClient, idpGroupId: string): Promise<Map<string, PendingOp>> {
    const { rows } = await client.query<{ user_id: string; op: PendingOp }>(
      `select user_id, op from ${this.sql.ops} where idp_group_id = $1`,
      [idpGroupId],
    );
    return new Map(rows.map((row) => [row.user_id, row.op]));
  }

  private async pruneKeys(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.db.pool.query(`delete from ${this.sql.keys} where recorded_at < $1`, [
      new Date(now - SCIM_OUTBOX_KEY_RETENTION_MS).toISOString(),
    ]);
  }
}

function toSummary(row: EntryRow, ops: number): ScimOutboxSummary {
  return {
    idpGroupId: row.idp_group_id,
    groupId: row.group_id,
    groupName: row.group_name,
    since: row.since.toISOString(),
    ops,
    attempts: row.attempts,
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    ...(row.last_attempt_at !== null ? { lastAttemptAt: row.last_attempt_at.toISOString() } : {}),
  };
}
