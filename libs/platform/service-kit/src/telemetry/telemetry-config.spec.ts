import { ConfigValidationError, readServiceConfig } from '../config/service-config';

const probe = {
  name: 'probe',
  title: 'Probe',
  description: 'probe',
  defaultPort: 3999,
  databaseUrlVariable: 'PROBE_DATABASE_URL',
  databaseName: 'probe',
};
const telemetryOf = (env: Record<string, string>) => readServiceConfig(probe, env).telemetry;

describe('telemetry configuration (OTEL_* and LOG_FORMAT)', () => {
  it('leaves tracing off when no OTEL_* variable asks for it', () => {
    expect(telemetryOf({})).toEqual({ logFormat: 'auto' });
    expect(telemetryOf({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }).tracing).toBeUndefined();
  });

  it('turns tracing on with an OTLP endpoint, traces at <endpoint>/v1/traces, named after the service', () => {
    expect(telemetryOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      exporter: 'otlp',
      url: 'http://collector:4318/v1/traces',
      headers: {},
      sampler: 'parentbased_always_on',
      ratio: 1,
      resource: { 'service.name': 'probe' },
    });
  });

  it('takes a traces endpoint as given, headers decoded, the sampler, timeout and resource attributes', () => {
    const tracing = telemetryOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/api/traces',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=t1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=t2',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=from-attributes',
      OTEL_SERVICE_NAME: 'intake-eu',
    }).tracing;
    expect(tracing).toEqual({
      exporter: 'otlp',
      url: 'https://otlp.example.com/api/traces',
      headers: { authorization: 'Bearer abc', 'x-tenant': 't2' },
      timeoutMs: 5000,
      sampler: 'parentbased_traceidratio',
      ratio: 0.1,
      resource: { 'service.name': 'intake-eu', 'deployment.environment': 'prod' },
    });
  });

  it('is off when the SDK is disabled or the exporter is none, whatever the endpoint; console needs no endpoint', () => {
    expect(
      telemetryOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing,
    ).toBeUndefined();
    expect(
      telemetryOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing,
    ).toBeUndefined();
    expect(telemetryOf({ OTEL_TRACES_EXPORTER: 'console' }).tracing?.exporter).toBe('console');
  });

  it('reads LOG_FORMAT', () => {
    expect(telemetryOf({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(telemetryOf({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('refuses bad values with the other bad variables, never showing the headers', () => {
    const read = () =>
      readServiceConfig(probe, {
        PORT: 'x',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '2',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-without-a-name',
        LOG_FORMAT: 'xml',
      });
    expect(read).toThrow(ConfigValidationError);
    try {
      read();
    } catch (error) {
      const problems = (error as ConfigValidationError).problems.map((p) => p.split('=')[0]);
      expect(problems.sort()).toEqual([
        'LOG_FORMAT',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_HEADERS',
        'OTEL_EXPORTER_OTLP_PROTOCOL',
        'OTEL_TRACES_SAMPLER',
        'OTEL_TRACES_SAMPLER_ARG',
        'PORT',
      ]);
      expect((error as Error).message).not.toContain('secret-token');
    }
  });
});
