/**
 * The gcsync worker: polls the task queue, runs `reconcileGroups` (bundled from `workflows/`) and the
 * activities bound to this process's Genesys client, stores and audit sink.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { WorkerTracingOptions } from '../observability/worker-tracing';
import { heartbeatTrackingInterceptor } from './activity-wait-hooks';

/** Options of {@link createReconcileWorker}. */
export interface ReconcileWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built bundle (tests bundle once per file); default: bundle `workflows/` at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Concurrent activity executions on this worker. @default 20 */
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * Trace workflows and activities with OpenTelemetry (off when unset; see `workerTracingOptions`). A pre-built
   * `workflowBundle` must then be bundled with `workflowInterceptorModules: tracing.workflowModules`.
   */
  tracing?: WorkerTracingOptions;
}

/** Path of the workflows entry point, for bundling (sources under tsx/jest, compiled JS in the image). */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Creates (does not run) a worker for the reconciler. */
export function createReconcileWorker(opts: ReconcileWorkerOptions): Promise<Worker> {
  const tracing = opts.tracing;
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(opts.deps),
    // Lets the Genesys client's keep-alive heartbeats repeat each activity's last details (see activity-wait-hooks).
    interceptors: {
      activity: [heartbeatTrackingInterceptor, ...(tracing?.activityInterceptors ?? [])],
      // A pre-built bundle already holds its workflow interceptors (the SDK ignores workflowModules then).
      ...(tracing && !opts.workflowBundle ? { workflowModules: tracing.workflowModules } : {}),
    },
    ...(tracing ? { sinks: tracing.sinks } : {}),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 20,
  });
}
