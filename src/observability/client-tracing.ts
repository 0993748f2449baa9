/**
 * Client-side tracing: starting a run, signalling, updating and querying it become spans whose context travels to
 * the workflow in its headers, so the worker's workflow and activity spans join the caller's trace.
 */
import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './tracing';

/** Client interceptors that trace with `tracing`'s tracer. */
export function clientTracingInterceptors(tracing: Tracing): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] };
}
