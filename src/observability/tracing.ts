/**
 * The process's OpenTelemetry tracer: a Node tracer provider whose spans go to one span processor — batched OTLP
 * over HTTP in production, an in-memory exporter in tests. It is registered as the process's global provider, with
 * the async-hooks context manager and the W3C trace-context propagator: the Temporal interceptors read the active
 * span and inject and extract headers through those globals, so without them every call would start its own trace.
 */
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** A tracer with what the Temporal interceptors need beside it. */
export interface Tracing {
  tracer: Tracer;
  /** Where every span ends up, the workflow spans (exported from the sandbox through a sink) included. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Creates the tracer for `serviceName`. Without `spanProcessor`, spans are batched to the OTLP/HTTP exporter, which
 * reads `OTEL_EXPORTER_OTLP_*` (endpoint, headers, timeout) itself.
 */
export function createTracing(serviceName: string, spanProcessor?: SpanProcessor): Tracing {
  const resource = new Resource({ 'service.name': serviceName });
  const processor = spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return {
    tracer: provider.getTracer('gcsync'),
    spanProcessor: processor,
    resource,
    shutdown: () => provider.shutdown(),
  };
}
