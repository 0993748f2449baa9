/**
 * Ownership ledger for groups in `managed` mode: which members this tool added (and has not removed since), so that
 * it only ever removes members it owns and leaves people added by hand alone.
 */
import { openPostgresOrLocal, type SharedPool, type StoreEnv } from './backend';
import { LocalOwnershipLedger } from './local-ownership-ledger';
import { PostgresOwnershipLedger } from './postgres-ownership-ledger';

/**
 * Per-group set of user ids owned by this tool. Every operation is idempotent (set semantics), so activities can
 * call it again on retry. Record after the Genesys write, for outcome `applied` and `already-applied` alike: a worker
 * that died between the write and the record then catches up on retry.
 */
export interface OwnershipLedger {
  /** Marks `userIds` as added by this tool to `groupId`. */
  recordAdded(groupId: string, userIds: readonly string[]): Promise<void>;
  /** Forgets `userIds` for `groupId` (removed by this tool). Unknown ids are ignored. */
  recordRemoved(groupId: string, userIds: readonly string[]): Promise<void>;
  /** Ids this tool added to `groupId` and has not removed since, sorted; empty for an unknown group. */
  ownedBy(groupId: string): Promise<string[]>;
  /** Releases connections. The ledger must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Opens the configured ledger: PostgreSQL (`gcsync_owned_members`, created if missing) when `DATABASE_URL` is set or
 * a pool is shared, otherwise one JSON file per group under `GCSYNC_DATA_DIR/ledger`.
 */
export async function openOwnershipLedger(
  env: StoreEnv = process.env,
  shared: SharedPool = {},
): Promise<OwnershipLedger> {
  return openPostgresOrLocal<OwnershipLedger>(env, shared, {
    postgres: (connection) => new PostgresOwnershipLedger(connection),
    local: (dir) => new LocalOwnershipLedger({ dir }),
  });
}
