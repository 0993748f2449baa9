/**
 * Workflow interceptors that trace runs (bundled into the workflow sandbox only when tracing is on; see
 * ./worker-tracing.ts). They add no command: spans leave the sandbox through the exporter sink, and the trace
 * context travels in activity and child-workflow headers, so a traced worker replays untraced histories and the
 * other way round.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** The factory the worker looks up in every module of `workflowInterceptorModules`. */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new OpenTelemetryInboundInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
