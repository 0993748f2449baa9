/**
 * Durable SCIM outbox: membership changes applied in Genesys that the IdP has not yet accepted, kept per IdP group
 * until delivered, so that an IdP outage longer than every retry never leaves the IdP silently out of sync.
 */
import { openPostgresOrLocal, type SharedPool, type StoreEnv } from './backend';
import { LocalScimOutbox } from './scim-outbox-local';
import { PostgresScimOutbox } from './scim-outbox-postgres';

/** One applied delta to record; see {@link ScimOutbox.record}. */
export interface ScimOutboxDelta {
  /**
   * Idempotency key: a delta recorded again under the same key (a retried activity) is ignored, even after what it
   * added was delivered and cleared. Use one key per run and group, e.g. `${workflowId}/${runId}/${groupId}`.
   */
  key: string;
  idpGroupId: string;
  /** Genesys group id and name, kept for reports (the latest recorded wins). */
  groupId: string;
  groupName: string;
  add: readonly string[];
  remove: readonly string[];
  /** When the delta was applied (ISO time); becomes the entry's `since` if nothing was pending. Default: now. */
  at?: string;
}

/** What is pending for one IdP group, without its member ids. */
export interface ScimOutboxSummary {
  idpGroupId: string;
  groupId: string;
  groupName: string;
  /** ISO time of the oldest change still pending. */
  since: string;
  /** Pending member operations. */
  ops: number;
  /** Failed delivery attempts since the entry became pending. */
  attempts: number;
  /** Message of the last failed delivery (secret-free: SCIM errors are redacted). */
  lastError?: string;
  /** ISO time of the last failed delivery. */
  lastAttemptAt?: string;
}

/** A pending entry with its member operations. */
export interface ScimOutboxEntry extends ScimOutboxSummary {
  /** Members the IdP must add, sorted by code point. */
  add: string[];
  /** Members the IdP must remove, sorted by code point. */
  remove: string[];
}

/**
 * Pending SCIM membership operations, one entry per IdP group, merged by the rules of `src/scim/outbox-delta.ts`
 * (latest intent per member wins). Shared by every worker; every write is atomic and serialised per IdP group.
 */
export interface ScimOutbox {
  /**
   * Merges a delta into the group's pending operations, once per `key`.
   *
   * @returns false when the key was already recorded (nothing changed), true otherwise.
   */
  record(delta: ScimOutboxDelta): Promise<boolean>;
  /** The group's pending entry, or undefined when nothing is pending. */
  get(idpGroupId: string): Promise<ScimOutboxEntry | undefined>;
  /**
   * Clears operations the IdP accepted, each only while it is still the member's pending op. The entry disappears
   * with its last operation.
   *
   * @returns the operations still pending for the group.
   */
  clear(idpGroupId: string, delivered: { add: readonly string[]; remove: readonly string[] }): Promise<number>;
  /**
   * Takes or renews the group's delivery lease for `ttlMs`, so that two deliverers (overlapping runs, a timed-out
   * attempt still running) never send the same group's ops concurrently, where a stale op could reach the IdP after a
   * newer one. Nothing pending → true (nothing to guard). A lease past its time may be taken by anyone.
   *
   * @returns true when `holder` holds the lease now, false when another holder's lease is still valid.
   */
  claim(idpGroupId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives up the lease if `holder` has it; no-op otherwise. */
  release(idpGroupId: string, holder: string): Promise<void>;
  /** Records a failed delivery (message and time) on a pending entry; no-op when nothing is pending. */
  markFailed(idpGroupId: string, error: string, at?: string): Promise<void>;
  /** Every group with pending operations, oldest `since` first (then by IdP group id). */
  list(): Promise<ScimOutboxSummary[]>;
  /** Releases connections. The outbox must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Opens the configured outbox: PostgreSQL (`gcsync_scim_outbox*` tables, created if missing, checked before
 * returning) when `DATABASE_URL` is set or a pool is shared, otherwise one JSON file per IdP group under
 * `GCSYNC_DATA_DIR/scim-outbox`.
 *
 * @param closers - when given, the outbox's `close` is pushed onto it (how the worker's dependency list closes it).
 */
export async function openScimOutbox(
  env: StoreEnv = process.env,
  closers?: Array<() => Promise<void>>,
  shared: SharedPool = {},
): Promise<ScimOutbox> {
  const outbox = await openPostgresOrLocal<ScimOutbox>(env, shared, {
    postgres: (connection) => new PostgresScimOutbox(connection),
    local: (dir) => new LocalScimOutbox({ dir }),
  });
  closers?.push(() => outbox.close());
  return outbox;
}
