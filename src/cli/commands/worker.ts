/** `gcsync worker`: runs the reconciler's Temporal worker (workflows + activities) until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { runWorker } from '../../worker/run-worker';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the worker that executes reconcileGroups runs (Genesys, stores, audit, SCIM live here)')
    .option('--task-queue <name>', 'task queue to poll (default $GCSYNC_TASK_QUEUE or gcsync)')
    .option(
      '--metrics <host:port>',
      'serve Prometheus metrics on http://<host:port>/metrics (default $GCSYNC_METRICS_ADDRESS)',
    )
    .addHelpText(
      'after',
      `
Environment (secrets are read here, on the worker, and never enter workflow inputs, history or logs):
  GENESYS_REGION | GENESYS_API_URL   a region such as us_east_1, or a gateway/emulator URL (exactly one)
  GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET (or GENESYS_CLIENT_SECRET_FILE)
  GENESYS_CLIENTS_FILE               YAML/JSON list of further OAuth clients for a token pool, each
                                     {clientId, clientSecretFile | clientSecretEnv}; one token and budget each
  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, GCSYNC_TASK_QUEUE, TEMPORAL_TLS_*, TEMPORAL_API_KEY
  DATABASE_URL                       PostgreSQL for plans, snapshots, ledger and audit (else local files)
  GCSYNC_DATA_DIR, AUDIT_FILE        local folder / JSONL audit file (default ./.gcsync/...)
  SCIM_BASE_URL, SCIM_TOKEN (or SCIM_TOKEN_FILE), SCIM_CHUNK_SIZE   IdP notifications (off when unset)
  GCSYNC_RULES_DIR                   rulesRef paths must lie inside this folder (recommended in production)
  GCSYNC_APPLY_CONCURRENCY           groups applied at once (default 16)
  GCSYNC_READ_CONCURRENCY            directory reads in flight per activity (default 8)

If Temporal is unreachable at start, the worker retries the connection (1 s doubling to 30 s) and logs each
attempt; SIGINT/SIGTERM stops it.

Examples:
  $ GENESYS_API_URL=http://127.0.0.1:8089 GENESYS_CLIENT_ID=gcsync-local \\
      GENESYS_CLIENT_SECRET=gcsync-local-secret gcsync worker
  $ GENESYS_REGION=eu_west_1 GENESYS_CLIENT_ID=... GENESYS_CLIENT_SECRET_FILE=/run/secrets/genesys \\
      DATABASE_URL=postgres://gcsync@db/gcsync gcsync worker --metrics 0.0.0.0:9464`,
    )
    .action(async (opts: { taskQueue?: string; metrics?: string }) => {
      await runWorker({ taskQueue: opts.taskQueue, metricsAddress: opts.metrics });
    });
}
