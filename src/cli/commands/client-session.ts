/** What every Temporal-talking command shares: connect from the environment, run, always disconnect. */
import { userInfo } from 'node:os';
import { ServiceError, type Client } from '@temporalio/client';
import type { DecisionOrigin } from '../../../workflows/messages';
import { failureMessage } from '../../client/failure-message';
import { ConfigError } from '../../config/config-error';
import { connectClient, loadTemporalConfig, type TemporalConfig } from '../../config/temporal-config';
import { loadClientTracing } from '../../observability/load-tracing';
import { loadTracingConfig } from '../../observability/tracing-config';
import { devServerHint } from '../invocation';

/** How long a command tries to reach Temporal: an operator should hear within seconds that nothing answers. */
const CONNECT_TIMEOUT_MS = 3_000;

/**
 * Connects with the `TEMPORAL_*` settings, runs `fn`, and closes the connection (an open gRPC channel would keep
 * the process alive after the command is done).
 */
export async function withTemporalClient<T>(fn: (client: Client, config: TemporalConfig) => Promise<T>): Promise<T> {
  const config = loadTemporalConfig();
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: a run started here then joins the caller's trace.
  const tracing = loadClientTracing(loadTracingConfig(process.env, 'gcsync-cli'));
  let client: Client;
  try {
    client = await connectClient(config, {
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      ...(tracing ? { interceptors: tracing.options } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new Error(
      `${(err as Error).message}\n` +
        `  Is a Temporal server running there? Start one on this machine: ${await devServerHint()}\n` +
        '  (or npx gcsync demo --interactive, which starts everything), or set TEMPORAL_ADDRESS to your server.',
      { cause: err },
    );
  }
  try {
    return await fn(client, config);
  } catch (err) {
    // Temporal's own message is generic ("Failed to start Workflow"); the reason is in its cause.
    if (err instanceof ServiceError) throw new Error(`${err.message}: ${failureMessage(err)}`, { cause: err });
    throw err;
  } finally {
    await client.connection.close();
    await tracing?.shutdown();
  }
}

/** Who is running the CLI, recorded as `requestedBy` of the runs it starts. */
export function cliActor(): string {
  return `cli:${osUser()}`;
}

/** How a CLI decision reached the run: recorded beside `--by` in the audit entry. */
export function cliOrigin(): DecisionOrigin {
  return { via: 'cli', osUser: osUser() };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo() throws for a uid without a passwd entry (common in containers)
    return process.env.USER ?? 'unknown';
  }
}
