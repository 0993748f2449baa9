/**
 * Tracing for a process, loaded only when it is on: the OpenTelemetry SDK, the OTLP exporter and the Temporal
 * interceptors are imported on demand, so a process with tracing off (the default) neither loads nor runs any of it.
 */
import type { ClientInterceptors } from '@temporalio/client';
import type { TracingConfig } from './tracing-config';
import type { WorkerTracingOptions } from './worker-tracing';

/** Tracing that was started; `shutdown` flushes pending spans (call it when the process stops). */
export interface StartedTracing<T> {
  /** What to hand to the worker or the client. */
  options: T;
  shutdown(): Promise<void>;
}

/** The worker's interceptors, workflow interceptor modules and exporter sink, or undefined when tracing is off. */
export function loadWorkerTracing(config: TracingConfig | undefined): StartedTracing<WorkerTracingOptions> | undefined {
  if (!config) return undefined;
  const { createTracing } = loadTracingModule();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on (see above)
  const { workerTracingOptions } = require('./worker-tracing') as typeof import('./worker-tracing');
  const tracing = createTracing(config.serviceName);
  return { options: workerTracingOptions(tracing), shutdown: tracing.shutdown };
}

/** Client interceptors that trace, or undefined when tracing is off. */
export function loadClientTracing(config: TracingConfig | undefined): StartedTracing<ClientInterceptors> | undefined {
  if (!config) return undefined;
  const { createTracing } = loadTracingModule();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on (see above)
  const { clientTracingInterceptors } = require('./client-tracing') as typeof import('./client-tracing');
  const tracing = createTracing(config.serviceName);
  return { options: clientTracingInterceptors(tracing), shutdown: tracing.shutdown };
}

// `require`, not `import()`: with module Node16 TypeScript keeps `import()` as an ES-module import, which would need
// the '.js' file names of a build; the sources run by tsx and ts-jest have none.
function loadTracingModule(): typeof import('./tracing') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on (see above)
  return require('./tracing') as typeof import('./tracing');
}
