/**
 * Jest helper for integration tests: a real Temporal dev server plus the two connections tests need.
 *
 * ```ts
 * let temporal: TestTemporal;
 * beforeAll(async () => (temporal = await startTestTemporal({ searchAttributes: { GcsyncPhase: 'Keyword' } })));
 * afterAll(() => temporal?.stop());
 * ```
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { findTemporalCli } from '../../src/temporal/cli-binary';
import {
  type DevServerOptions,
  type DevServerSearchAttributeType,
  type RunningDevServer,
  startDevServer,
} from '../../src/temporal/dev-server';

/** Options for {@link startTestTemporal}: the dev server's options minus the binary, which is found for you. */
export type TestTemporalOptions = Omit<DevServerOptions, 'cliPath'>;

/** A running server with connections; call `stop()` in `afterAll`. */
export interface TestTemporal {
  /** The dev server we spawned; undefined only when the SDK downloaded and runs the server itself (no local CLI). */
  server?: RunningDevServer;
  /** gRPC frontend address. */
  address: string;
  /** For `Worker.create({ connection })`. */
  connection: NativeConnection;
  /** For starting workflows, signals, queries, schedules. */
  client: Client;
  namespace: string;
  /** A task-queue name unique to this call, so tests sharing one server never steal each other's tasks. */
  taskQueue(name?: string): string;
  /** Closes both connections and stops the server (no stray processes). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a dev server with {@link startDevServer} (binary from `findTemporalCli`), connects a worker-side
 * `NativeConnection` and a `Client`. When no binary can be found or built, falls back to the SDK's
 * `TestWorkflowEnvironment.createLocal()`, which downloads one (machines with internet access only).
 */
export async function startTestTemporal(opts: TestTemporalOptions = {}): Promise<TestTemporal> {
  const cli = await findTemporalCli();
  if (cli.source === 'sdk-download') return startWithSdkDownload(opts);

  const server = await startDevServer({ ...opts, cliPath: cli.path });
  try {
    const connection = await NativeConnection.connect({ address: server.address });
    const clientConnection = await Connection.connect({ address: server.address });
    const client = new Client({ connection: clientConnection, namespace: server.namespace });
    const stop = once(async () => {
      await Promise.allSettled([clientConnection.close(), connection.close()]);
      await server.stop();
    });
    return { server, address: server.address, connection, client, namespace: server.namespace, taskQueue, stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function startWithSdkDownload(opts: TestTemporalOptions): Promise<TestTemporal> {
  const namespace = opts.namespace ?? 'default';
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      namespace,
      dbFilename: opts.dbFilename,
      ui: opts.ui,
      uiPort: opts.uiPort,
      port: opts.port,
      searchAttributes: Object.entries(opts.searchAttributes ?? {}).map(([name, type]) =>
        defineSearchAttributeKey(name, SDK_SEARCH_ATTRIBUTE_TYPES[type]),
      ),
    },
  });
  return {
    address: env.address,
    connection: env.nativeConnection,
    client: env.client,
    namespace,
    taskQueue,
    stop: once(() => env.teardown()),
  };
}

const SDK_SEARCH_ATTRIBUTE_TYPES: Record<DevServerSearchAttributeType, SearchAttributeType> = {
  Keyword: SearchAttributeType.KEYWORD,
  Text: SearchAttributeType.TEXT,
  Int: SearchAttributeType.INT,
  Double: SearchAttributeType.DOUBLE,
  Bool: SearchAttributeType.BOOL,
  Datetime: SearchAttributeType.DATETIME,
  KeywordList: SearchAttributeType.KEYWORD_LIST,
};

function taskQueue(name = 'test'): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * Bundles the workflows at `workflowsPath` once per test file (Jest gives each file its own module registry) and
 * returns the same promise on later calls; pass the result as `workflowBundle` to `Worker.create`. Bundling takes
 * seconds, so doing it per test would dominate the run time.
 */
export function bundleWorkflowsOnce(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

// The bundler logs every module at info level; tests only care about warnings and errors.
const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};
