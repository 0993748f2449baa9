/**
 * Whether OpenTelemetry tracing is on, from the standard OpenTelemetry variables: on when an OTLP endpoint is set
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), unless `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none`. Off by default: nothing is loaded, bundled or intercepted then.
 */

/** Tracing settings when tracing is on. The exporter reads the rest of `OTEL_EXPORTER_OTLP_*` itself. */
export interface TracingConfig {
  /** `service.name` of the spans: `OTEL_SERVICE_NAME`, else the component's own name. */
  serviceName: string;
  /** Where traces go, for the start-up lines (the traces endpoint when set, else the general one). */
  endpoint: string;
}

/** The variables {@link loadTracingConfig} reads. */
export interface TracingEnv {
  OTEL_SDK_DISABLED?: string;
  OTEL_TRACES_EXPORTER?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
}

/**
 * Reads the tracing settings; undefined when tracing is off.
 *
 * @param defaultServiceName - e.g. `gcsync-worker`, used when `OTEL_SERVICE_NAME` is unset.
 */
export function loadTracingConfig(env: TracingEnv, defaultServiceName: string): TracingConfig | undefined {
  // The specification's boolean: only a case-insensitive "true" disables.
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return undefined;
  if ((env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none') return undefined;
  const endpoint = (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || '').trim();
  if (!endpoint) return undefined;
  return { serviceName: env.OTEL_SERVICE_NAME?.trim() || defaultServiceName, endpoint };
}
