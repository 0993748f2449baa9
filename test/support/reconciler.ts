/**
 * A whole reconciler for integration tests: the Genesys emulator, optionally a real SCIM peer (scimmy) and a
 * PostgreSQL schema, and a real worker (dependencies built by `openActivityDeps`, exactly as `gcsync worker`
 * does) on a Temporal dev server shared by the test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { AuditEntry } from '../../src/audit/entry';
import { resultOf } from '../../src/client/reconciliation-client';
import { genesysEnvFor, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import { openActivityDeps, type OpenedDeps } from '../../src/worker/dependencies';
import { createReconcileWorker, WORKFLOWS_PATH } from '../../src/worker/worker';
import { reconcileGroups } from '../../workflows';
import type { ReconcileInput, ReconcileResult } from '../../workflows/messages';
import { createTestSchema, type TestSchema } from './postgres';
import { startScimServer, type ScimTestServer } from './scim-server';
import { bundleWorkflowsOnce, type TestTemporal } from './temporal';

// Worker lifecycle chatter at INFO drowns test output; warnings and errors still show. Only the first install in a
// process counts (Jest runs integration files in band, in one process).
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier test file
}

export const SCIM_TEST_TOKEN = 'scim-test-token-not-a-real-secret';

export interface ReconcilerOptions {
  emulator?: EmulatorOptions;
  /** Start a SCIM peer and point the worker at it. */
  scim?: boolean;
  /** Keep plans, ledger and audit in a fresh PostgreSQL schema instead of local files. */
  postgres?: boolean;
  /** Extra worker environment. */
  env?: Record<string, string>;
}

export interface Reconciler {
  emulator: RunningEmulator;
  scim?: ScimTestServer;
  schema?: TestSchema;
  env: Record<string, string>;
  taskQueue: string;
  opened: OpenedDeps;
  /** Starts a run; the workflow id is unique per call. */
  start(input: ReconcileInput, id?: string): Promise<WorkflowHandle<typeof reconcileGroups>>;
  /** Starts a run and waits for its result (an aborted run's too, see `resultOf`). */
  run(input: ReconcileInput): Promise<ReconcileResult>;
  /** Every audit entry, in order. */
  auditEntries(): Promise<AuditEntry[]>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startReconciler(temporal: TestTemporal, opts: ReconcilerOptions = {}): Promise<Reconciler> {
  const dir = mkdtempSync(join(tmpdir(), 'gcsync-rec-'));
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const emulator = await startEmulator({ quiet: true, rateLimitPerMinute: 0, ...opts.emulator });
    cleanups.push(() => emulator.close());
    const env: Record<string, string> = {
      ...genesysEnvFor(emulator),
      GCSYNC_DATA_DIR: join(dir, 'data'),
      AUDIT_FILE: join(dir, 'audit.jsonl'),
      ...opts.env,
    };
    let scim: ScimTestServer | undefined;
    if (opts.scim) {
      scim = await startScimServer({ token: SCIM_TEST_TOKEN });
      cleanups.push(() => scim!.close());
      env.SCIM_BASE_URL = scim.baseUrl;
      env.SCIM_TOKEN = SCIM_TEST_TOKEN;
    }
    let schema: TestSchema | undefined;
    if (opts.postgres) {
      schema = await createTestSchema('gcsync_rec');
      cleanups.push(() => schema!.drop());
      env.DATABASE_URL = schema.url;
    }
    const opened = await openActivityDeps(env);
    cleanups.push(() => opened.close());
    const taskQueue = temporal.taskQueue('gcsync');
    const worker: Worker = await createReconcileWorker({
      connection: temporal.connection,
      namespace: temporal.namespace,
      taskQueue,
      deps: opened.deps,
      workflowBundle: await bundleWorkflowsOnce(WORKFLOWS_PATH),
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });

    const start = (input: ReconcileInput, id?: string) =>
      temporal.client.workflow.start(reconcileGroups, {
        taskQueue,
        workflowId: id ?? `test-${Date.now().toString(36)}-${++counter}`,
        args: [input],
      });
    return {
      emulator,
      scim,
      schema,
      env,
      taskQueue,
      opened,
      start,
      // As the CLI and HTTP service see it: an aborted run (a failed workflow) gives its result, status aborted.
      run: async (input) => resultOf(await start(input)),
      auditEntries: async () => {
        const entries: AuditEntry[] = [];
        for await (const e of opened.deps.audit.read()) entries.push(e);
        return entries;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls `read` until `done` holds; throws with the last value after `timeoutMs`. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch {
      // not ready yet (e.g. the query handler is not registered before the first workflow task)
    }
    await sleep(150);
  }
  throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
