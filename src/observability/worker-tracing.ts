/**
 * What a worker adds to trace runs with OpenTelemetry through the Temporal SDK's interceptors: activity interceptors
 * (a span per activity execution, a child of the workflow's span), the workflow interceptor module (which the
 * workflow bundle must include) and the sink that exports the workflow's spans.
 */
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './tracing';

/** Path of the workflow interceptor module, for `bundleWorkflowCode({ workflowInterceptorModules })`. */
export const WORKFLOW_TRACING_INTERCEPTORS = require.resolve('./workflow-tracing-interceptors');

/** Worker options that turn tracing on; merge them into `Worker.create`. */
export interface WorkerTracingOptions {
  activityInterceptors: ActivityInterceptorsFactory[];
  /** For a worker that bundles at start (`workflowsPath`); a pre-built bundle must include them itself. */
  workflowModules: string[];
  sinks: NonNullable<WorkerOptions['sinks']>;
}

/** The interceptors and the exporter sink for `tracing`. */
export function workerTracingOptions(tracing: Tracing): WorkerTracingOptions {
  const options = { tracer: tracing.tracer };
  return {
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx, options),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    workflowModules: [WORKFLOW_TRACING_INTERCEPTORS],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
