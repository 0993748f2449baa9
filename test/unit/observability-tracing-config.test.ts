import { loadTracingConfig } from '../../src/observability/tracing-config';

describe('loadTracingConfig', () => {
  it('is off by default', () => {
    expect(loadTracingConfig({}, 'gcsync-worker')).toBeUndefined();
  });

  it('is on with an OTLP endpoint, named by OTEL_SERVICE_NAME or the default', () => {
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'gcsync-worker')).toEqual({
      serviceName: 'gcsync-worker',
      endpoint: 'http://127.0.0.1:4318',
    });
    expect(
      loadTracingConfig(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/v1/traces',
          OTEL_SERVICE_NAME: 'gcsync-prod',
        },
        'gcsync-worker',
      ),
    ).toEqual({ serviceName: 'gcsync-prod', endpoint: 'http://traces:4318/v1/traces' });
  });

  it.each([{ OTEL_SDK_DISABLED: 'true' }, { OTEL_SDK_DISABLED: 'TRUE' }, { OTEL_TRACES_EXPORTER: 'none' }])(
    'is off with %j even when an endpoint is set',
    (env) => {
      expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', ...env }, 'x')).toBeUndefined();
    },
  );

  it('is off when the endpoint is blank', () => {
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, 'x')).toBeUndefined();
  });

  it('stays on when OTEL_SDK_DISABLED is anything but "true"', () => {
    expect(
      loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'false' }, 'x'),
    ).toEqual({ serviceName: 'x', endpoint: 'http://c:4318' });
  });
});
