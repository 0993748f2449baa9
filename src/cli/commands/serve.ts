/** `gcsync serve`: the HTTP trigger service (POST /api/reconcile-groups and friends). */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import pino from 'pino';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { loadClientTracing } from '../../observability/load-tracing';
import { loadTracingConfig } from '../../observability/tracing-config';
import { connectClient, describeTemporalConfig, loadTemporalConfig } from '../../config/temporal-config';
import { createHttpApp } from '../../http/app';
import { parseTokensFile, type NamedToken } from '../../http/auth';
import { closeServer, listen } from '../../http/server';
import { openBlobStore } from '../../store/blob-store';

/** Options of `gcsync serve`. */
export interface ServeOptions {
  port: number;
  host: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP service that starts and approves reconciliations')
    .option('--port <port>', 'port to listen on ($PORT when set)', parsePort, defaultPort())
    .option(
      '--host <address>',
      'address to bind ($GCSYNC_HTTP_HOST when set); 0.0.0.0 to accept connections from other machines',
      defaultHost(),
    )
    .addHelpText(
      'after',
      `
Environment:
  GCSYNC_API_TOKEN   a shared token (or GCSYNC_API_TOKEN_FILE, a file holding it); callers of /api/* send "Authorization: Bearer <token>"
  GCSYNC_API_TOKENS_FILE  named callers, "name: <sha256 of token>" per line; a caller's name is the approver it decides as
  GCSYNC_RULES_FILE  rules used when a request names none (the tutorial's {"targetGroups": [...]});
                     passed to the worker as rulesRef, so the worker must be able to read that path
  GCSYNC_RULES_DIR   folder a request's rulesRef file path must lie in; unset: requests may not name files
                     (inline rules, blob:<key> and the default rules still work). See docs/security.md
  DATABASE_URL, GCSYNC_DATA_DIR  the workers' plan store, for the per-member plan lines
  GCSYNC_HTTP_HOST   address to bind when --host is not given (default 127.0.0.1: this machine only)
  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, GCSYNC_TASK_QUEUE, TEMPORAL_TLS_*, TEMPORAL_API_KEY

Routes:
  POST /api/reconcile-groups              start a run, 202 {workflowId, runId, statusUrl}
  GET  /api/reconciliations/:id           status, and the result once closed
  GET  /api/reconciliations/:id/plan      the plan's groups, paged (?page=&pageSize=)
  GET  /api/reconciliations/:id/plan?group=G  G's member lines with reasons, paged; read from the plan
                                          store the workers write to (DATABASE_URL or GCSYNC_DATA_DIR)
  POST /api/reconciliations/:id/approve   {"by", "planDigest", "comment"?}
  POST /api/reconciliations/:id/reject    {"by", "reason"}
  GET  /healthz                           no auth; reports whether Temporal is reachable

Examples:
  $ GCSYNC_API_TOKEN=s3cret GCSYNC_RULES_FILE=/etc/gcsync/rules.yaml gcsync serve --port 8080
  $ curl -H "Authorization: Bearer s3cret" -H "Content-Type: application/json" \\
      -d '{"targetGroups": ["Support Tier 1"]}' http://localhost:8080/api/reconcile-groups`,
    )
    .action(async (opts: ServeOptions) => {
      await serve(opts);
    });
}

/** The API token from `GCSYNC_API_TOKEN`, or from the file named by `GCSYNC_API_TOKEN_FILE` (a mounted secret). */
function readApiToken(): string | undefined {
  const file = process.env.GCSYNC_API_TOKEN_FILE?.trim();
  if (!process.env.GCSYNC_API_TOKEN?.trim() && file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new ConfigError('HTTP service', [
        {
          variable: 'GCSYNC_API_TOKEN_FILE',
          problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        },
      ]);
    }
  }
  return process.env.GCSYNC_API_TOKEN?.trim();
}

/** Named callers from `GCSYNC_API_TOKENS_FILE` (name → hex SHA-256 of the token), or none. */
function readNamedTokens(): NamedToken[] {
  const file = process.env.GCSYNC_API_TOKENS_FILE?.trim();
  if (!file) return [];
  try {
    return parseTokensFile(parseYaml(readFileSync(file, 'utf8')));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError('HTTP service', [{ variable: 'GCSYNC_API_TOKENS_FILE', problem: `is unusable: ${reason}` }]);
  }
}

/** Serves until SIGINT or SIGTERM, then closes the server and the Temporal connection. */
export async function serve(opts: ServeOptions): Promise<void> {
  const apiToken = readApiToken();
  const namedTokens = readNamedTokens();
  if (!apiToken && namedTokens.length === 0) {
    throw new ConfigError('HTTP service', [
      {
        variable: 'GCSYNC_API_TOKEN',
        problem: 'is required (or GCSYNC_API_TOKENS_FILE): the service does not start without a bearer token',
      },
    ]);
  }
  const rulesFile = process.env.GCSYNC_RULES_FILE?.trim();
  const rulesDir = process.env.GCSYNC_RULES_DIR?.trim() || undefined;
  // The worker resolves the reference, not this process: a relative path would depend on the worker's directory.
  const defaultRulesRef = rulesFile ? (isAbsolute(rulesFile) ? rulesFile : resolve(rulesFile)) : undefined;
  const config = loadTemporalConfig();
  const logger = pino({ name: 'gcsync-http' });
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: the runs this service starts then join its traces.
  const tracing = loadClientTracing(loadTracingConfig(process.env, 'gcsync-http'));
  // Lazy: the service starts while Temporal is down, and /healthz says so.
  const client = await connectClient(config, {
    lazy: true,
    ...(tracing ? { interceptors: tracing.options } : {}),
  });
  // The workers' plan store (same DATABASE_URL / GCSYNC_DATA_DIR): per-member plan lines are read from it.
  const planStore = await openBlobStore(process.env);
  const app = createHttpApp({
    client,
    planStore,
    taskQueue: config.taskQueue,
    ...(apiToken ? { apiToken } : {}),
    namedTokens,
    defaultRulesRef,
    rulesDir,
    logger,
  });
  const server = await listen(app, opts.port, opts.host);
  const address = server.address();
  const bound = typeof address === 'object' && address ? address : { address: opts.host, port: opts.port };
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  logger.info(
    { host: bound.address, port: bound.port, defaultRulesRef, rulesDir: rulesDir ?? null },
    `listening on http://${host}:${bound.port}; Temporal ${describeTemporalConfig(config)}`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  logger.info('shutting down');
  await closeServer(server);
  await client.connection.close();
  await planStore.close();
  await tracing?.shutdown();
}

/** Commander parser for `--port`. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number');
  return port;
}

/** Loopback unless the operator says otherwise: the API starts runs that write to Genesys. */
export function defaultHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.GCSYNC_HTTP_HOST?.trim() || '127.0.0.1';
}

function defaultPort(): number {
  const fromEnv = Number(process.env.PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv <= 65535 ? fromEnv : 3000;
}
