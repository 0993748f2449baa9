/** Chooses the audit sink from the environment, the same way in every worker and CLI command. */
import { DEFAULT_AUDIT_FILE, JsonlAuditSink } from './jsonl-sink';
import { PostgresAuditSink } from './postgres-sink';
import type { AuditSink } from './sink';
import { openPostgresOrLocal, type SharedPool } from '../store/backend';

/** Environment variables read by {@link openAuditSink}. */
export interface AuditEnv {
  /** PostgreSQL connection string; when set (non-empty), the PostgreSQL sink is used. */
  DATABASE_URL?: string;
  /** JSONL file used when `DATABASE_URL` is unset. Default `./.gcsync/audit.jsonl`. */
  AUDIT_FILE?: string;
}

/**
 * Opens the configured audit sink: PostgreSQL (table `gcsync_audit`, created if missing) when `DATABASE_URL` is set
 * or a pool is shared, otherwise the JSONL file at `AUDIT_FILE`. For PostgreSQL the table is created/checked before
 * returning, so a bad URL fails at startup rather than at the first audited write. Call `close()` on shutdown (a
 * shared pool stays open; the caller ends it).
 */
export async function openAuditSink(env: AuditEnv = process.env, shared: SharedPool = {}): Promise<AuditSink> {
  return openPostgresOrLocal<AuditSink>(env, shared, {
    postgres: (connection) => new PostgresAuditSink(connection),
    // The audit log is one file of its own, not under the data folder.
    local: () => new JsonlAuditSink({ path: env.AUDIT_FILE || DEFAULT_AUDIT_FILE }),
  });
}
