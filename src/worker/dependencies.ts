/**
 * Builds the activities' dependencies from the environment, the same way for `gcsync worker`, the demo and the
 * integration tests: the official SDK (region or gateway URL; one shared client, with a token pool when
 * `GENESYS_CLIENTS_FILE` lists further OAuth clients), the blob store and ownership ledger (local folder
 * or PostgreSQL), the audit sink (JSONL or PostgreSQL) and the SCIM notifier (off unless `SCIM_BASE_URL`).
 * Secrets are read here, on the worker, and never leave it.
 */
import type { ActivityDeps } from '../../activities';
import { openAuditSink } from '../audit/factory';
import { loadGenesysConfig } from '../config/genesys-config';
import { createGenesysDirectory } from '../genesys/directory';
import { loadNotifyConfig } from '../notify/config';
import { createScimNotifier } from '../scim/client';
import { loadScimConfig } from '../scim/config';
import { openBlobStore } from '../store/blob-store';
import { openOwnershipLedger } from '../store/ownership-ledger';
import { openScimOutbox } from '../store/scim-outbox';
import { createWorkerGenesysClient } from './genesys-wiring';

/** Opened dependencies plus a one-line-per-setting description with secrets masked (printed at start). */
export interface OpenedDeps {
  deps: ActivityDeps;
  settings: Record<string, string>;
  close(): Promise<void>;
}

/** Opens everything the activities need; on any failure, closes what was opened and rethrows. */
export async function openActivityDeps(env: NodeJS.ProcessEnv = process.env): Promise<OpenedDeps> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const genesysConfig = loadGenesysConfig(env);
    const scimConfig = loadScimConfig(env);
    const notifyConfig = loadNotifyConfig(env);
    // One client (one token per OAuth client) for the whole process: every activity shares its budget and its
    // re-login.
    const client = await createWorkerGenesysClient(genesysConfig);
    const blobs = await openBlobStore(env);
    closers.push(() => blobs.close());
    const ledger = await openOwnershipLedger(env);
    closers.push(() => ledger.close());
    const audit = await openAuditSink(env);
    closers.push(() => audit.close());
    const concurrency = Number(env.GCSYNC_APPLY_CONCURRENCY ?? '');
    // Users per snapshot page (1..500, default 500); smaller pages make a resumed snapshot observable in tests.
    const usersPageSize = Number(env.GCSYNC_USERS_PAGE_SIZE ?? '');
    // Directory reads in flight at once per activity (default 8); the shared pacer keeps them within the budget.
    const readConcurrency = Number(env.GCSYNC_READ_CONCURRENCY ?? '');
    const deps: ActivityDeps = {
      directory: createGenesysDirectory(client),
      blobs,
      ledger,
      audit,
      ...(scimConfig ? { scim: createScimNotifier(scimConfig), scimOutbox: await openScimOutbox(env, closers) } : {}),
      ...(notifyConfig ? { notify: notifyConfig } : {}),
      ...(env.GCSYNC_RULES_DIR ? { rulesDir: env.GCSYNC_RULES_DIR } : {}),
      ...(Number.isInteger(concurrency) && concurrency > 0 ? { defaultConcurrency: concurrency } : {}),
      ...(Number.isInteger(usersPageSize) && usersPageSize > 0 && usersPageSize <= 500 ? { usersPageSize } : {}),
      ...(Number.isInteger(readConcurrency) && readConcurrency > 0 ? { readConcurrency } : {}),
    };
    const settings: Record<string, string> = {
      genesys:
        genesysConfig.endpoint.kind === 'gateway'
          ? `gateway ${genesysConfig.endpoint.url}`
          : `region ${genesysConfig.endpoint.region}`,
      'genesys client id': genesysConfig.clients.map((c) => c.clientId).join(', '),
      'genesys client secret': '****',
      storage: env.DATABASE_URL
        ? 'PostgreSQL (DATABASE_URL)'
        : `local folder ${env.GCSYNC_DATA_DIR || './.gcsync/data'}`,
      audit: env.DATABASE_URL ? 'PostgreSQL table gcsync_audit' : `JSONL ${env.AUDIT_FILE || './.gcsync/audit.jsonl'}`,
      scim: scimConfig
        ? `${scimConfig.baseUrl} (token ****, chunks of ${scimConfig.chunkSize})`
        : 'off (SCIM_BASE_URL unset)',
      // The URL's path may be a token (Slack webhooks): only its scheme and host are printed.
      notify: notifyConfig
        ? `${notifyConfig.maskedUrl} (${notifyConfig.format}, timeout ${notifyConfig.timeoutMs} ms)`
        : 'off (GCSYNC_NOTIFY_URL unset)',
    };
    return { deps, settings, close };
  } catch (err) {
    await close();
    throw err;
  }
}
