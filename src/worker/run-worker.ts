/**
 * Runs the gcsync worker until SIGINT/SIGTERM: configuration from the environment (validated, printed with
 * secrets masked), custom search attributes registered when missing, optional Prometheus metrics (Temporal's
 * runtime metrics plus gcsync's own counters, which activities record through the same meter).
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadTemporalConfig, temporalConnectionOptions, describeTemporalConfig } from '../config/temporal-config';
import { ConnectAbortedError, connectWithRetry } from './connect-retry';
import { openActivityDeps } from './dependencies';
import { ensureSearchAttributes } from './search-attributes';
import { createReconcileWorker } from './worker';
import { workflowCodeForWorker } from './workflow-bundle';

/** Options of {@link runWorker}; anything unset comes from the environment. */
export interface RunWorkerOptions {
  env?: NodeJS.ProcessEnv;
  taskQueue?: string;
  /** `host:port` for the Prometheus endpoint (`/metrics`); default `GCSYNC_METRICS_ADDRESS`, unset = off. */
  metricsAddress?: string;
  /** Where start-up lines go (default stderr). */
  print?: (line: string) => void;
  /** Resolves once the worker polls (the demo waits for it). */
  onReady?: () => void;
}

/** Installs the Temporal runtime with our logger level and, if asked, the Prometheus exporter. Once per process. */
export function installRuntime(metricsAddress: string | undefined, logLevel: string): void {
  Runtime.install({
    logger: new DefaultLogger(normaliseLevel(logLevel)),
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
  });
}

/** Starts the worker and resolves when it has shut down (on SIGINT/SIGTERM, handled by the Temporal runtime). */
export async function runWorker(opts: RunWorkerOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const print = opts.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const temporalConfig = loadTemporalConfig(env);
  const taskQueue = opts.taskQueue ?? temporalConfig.taskQueue;
  const metricsAddress = opts.metricsAddress ?? (env.GCSYNC_METRICS_ADDRESS || undefined);
  installRuntime(metricsAddress, env.GCSYNC_LOG_LEVEL ?? 'INFO');

  const opened = await openActivityDeps(env);
  let connection: NativeConnection | undefined;
  // Until the worker runs, a stop signal only ends the connection retries (the runtime's own handlers stop a
  // running worker; they do not end the process before one exists).
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.once(s, stop);
  try {
    const connectionOptions = await temporalConnectionOptions(temporalConfig); // a bad TLS file is not retried
    try {
      connection = await connectWithRetry(() => NativeConnection.connect(connectionOptions), {
        address: temporalConfig.address,
        print,
        signal: stopping.signal,
      });
    } catch (err) {
      if (!(err instanceof ConnectAbortedError)) throw err;
      print(`worker stopped before connecting: ${err.message}`);
      return;
    } finally {
      for (const s of signals) process.off(s, stop);
    }
    const added = await ensureSearchAttributes(connection, temporalConfig.namespace);
    print('gcsync worker');
    print(`  temporal: ${describeTemporalConfig(temporalConfig)}`);
    print(`  task queue: ${taskQueue}`);
    for (const [name, value] of Object.entries(opened.settings)) print(`  ${name}: ${value}`);
    print(`  metrics: ${metricsAddress ? `http://${metricsAddress}/metrics` : 'off (GCSYNC_METRICS_ADDRESS unset)'}`);
    if (added.length) print(`  registered search attributes: ${added.join(', ')}`);
    const workflows = await workflowCodeForWorker();
    print(`  workflows: ${workflows.source}`);
    const worker = await createReconcileWorker({
      connection,
      namespace: temporalConfig.namespace,
      taskQueue,
      deps: opened.deps,
      workflowBundle: workflows.workflowBundle,
    });
    const running = worker.run();
    print('worker running; Ctrl-C to stop');
    opts.onReady?.();
    await running;
    print('worker stopped');
  } finally {
    await opened.close();
    await connection?.close();
  }
}

function normaliseLevel(level: string): 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' {
  const upper = level.toUpperCase();
  return upper === 'TRACE' || upper === 'DEBUG' || upper === 'WARN' || upper === 'ERROR' ? upper : 'INFO';
}
