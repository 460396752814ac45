import { IsIn, IsUrl, Matches, ValidateIf } from 'class-validator';

export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** `key=value` pairs, comma-separated (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES). */
const KEY_VALUE_LIST = /^$|^[^=,\s]+=[^,]*(,[^=,\s]+=[^,]*)*$/;
const PAIRS = { message: 'must be comma-separated key=value pairs' };
const HTTP_URL = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };
const OTLP_HTTP = { message: 'must be http/protobuf or http/json (OTLP over HTTP; gRPC is not bundled)' };

/**
 * The standard OpenTelemetry variables the kit honours (https://opentelemetry.io/docs/specs/otel/configuration/),
 * and LOG_FORMAT. All optional: unset (or empty, which the specification reads as unset), tracing is off and no SDK
 * is loaded. Validated with the kit's other variables, so a typo stops the service at start-up with the others.
 */
export class TelemetryEnv {
  /** `json` (one object per line), `pretty` (short coloured lines for a terminal); empty: pretty on a terminal outside production. */
  @IsIn(['', 'json', 'pretty'])
  LOG_FORMAT!: string;

  @IsIn(['', 'true', 'false'])
  OTEL_SDK_DISABLED!: string;

  /** Default: the service's name. */
  @Matches(/^[\w.-]{0,128}$/, { message: 'must be at most 128 letters, digits, ".", "_" or "-"' })
  OTEL_SERVICE_NAME!: string;

  /** `otlp` or `console` turns tracing on (otlp is implied by an endpoint); `none` or empty leaves it off. */
  @IsIn(['', 'otlp', 'console', 'none'], { message: 'must be otlp, console or none (one exporter)' })
  OTEL_TRACES_EXPORTER!: string;

  /** Base URL of an OTLP/HTTP receiver; traces go to `<endpoint>/v1/traces`. */
  @ValidateIf((env: TelemetryEnv) => env.OTEL_EXPORTER_OTLP_ENDPOINT !== '')
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT!: string;

  /** The traces URL itself, used as given. */
  @ValidateIf((env: TelemetryEnv) => env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== '')
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT!: string;

  /** `key=value` pairs, comma-separated, values percent-encoded (an authorisation header, say). */
  @Matches(KEY_VALUE_LIST, PAIRS)
  OTEL_EXPORTER_OTLP_HEADERS!: string;

  @Matches(KEY_VALUE_LIST, PAIRS)
  OTEL_EXPORTER_OTLP_TRACES_HEADERS!: string;

  /** The exporter speaks OTLP over HTTP (JSON bodies, which OTLP/HTTP receivers accept beside protobuf); not gRPC. */
  @IsIn(['', 'http/protobuf', 'http/json'], OTLP_HTTP)
  OTEL_EXPORTER_OTLP_PROTOCOL!: string;

  @IsIn(['', 'http/protobuf', 'http/json'], OTLP_HTTP)
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL!: string;

  @Matches(/^(|\d{1,7})$/, { message: 'must be a whole number of milliseconds' })
  OTEL_EXPORTER_OTLP_TIMEOUT!: string;

  @Matches(/^(|\d{1,7})$/, { message: 'must be a whole number of milliseconds' })
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT!: string;

  @IsIn(['', ...SAMPLERS])
  OTEL_TRACES_SAMPLER!: string;

  /** The ratio of `traceidratio` and `parentbased_traceidratio`, 0 to 1. */
  @Matches(/^$|^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, { message: 'must be a number from 0 to 1' })
  OTEL_TRACES_SAMPLER_ARG!: string;

  @Matches(KEY_VALUE_LIST, PAIRS)
  OTEL_RESOURCE_ATTRIBUTES!: string;
}

export const TELEMETRY_DEFAULTS: Readonly<Record<keyof TelemetryEnv, string>> = {
  LOG_FORMAT: '',
  OTEL_SDK_DISABLED: '',
  OTEL_SERVICE_NAME: '',
  OTEL_TRACES_EXPORTER: '',
  OTEL_EXPORTER_OTLP_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_HEADERS: '',
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: '',
  OTEL_EXPORTER_OTLP_PROTOCOL: '',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: '',
  OTEL_EXPORTER_OTLP_TIMEOUT: '',
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '',
  OTEL_TRACES_SAMPLER: '',
  OTEL_TRACES_SAMPLER_ARG: '',
  OTEL_RESOURCE_ATTRIBUTES: '',
};

/** Headers carry credentials: their values never appear in a start-up error. */
export const TELEMETRY_SECRETS: readonly (keyof TelemetryEnv)[] = [
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
];

export interface TracingConfig {
  readonly exporter: 'otlp' | 'console';
  /** The OTLP traces URL (unused by `console`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly sampler: SamplerName;
  /** 0..1, for the ratio samplers. */
  readonly ratio: number;
  /** `service.name` and the other resource attributes of every span. */
  readonly resource: Readonly<Record<string, string>>;
}

export type LogFormat = 'json' | 'pretty' | 'auto';

export interface TelemetryConfig {
  readonly logFormat: LogFormat;
  /** Undefined: tracing is off (no SDK started, the platform's spans are the API's no-ops). */
  readonly tracing?: TracingConfig;
}

/** Key=value lists of the OTEL_* variables (W3C Baggage-like): keys plain, values percent-decoded. */
export function keyValueList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of text.split(',')) {
    const at = entry.indexOf('=');
    if (at <= 0) continue;
    out[entry.slice(0, at).trim()] = decodeURIComponent(entry.slice(at + 1).trim());
  }
  return out;
}

/** The typed telemetry settings of validated variables; `serviceName` is the default `service.name`. */
export function telemetryConfigOf(env: TelemetryEnv, serviceName: string): TelemetryConfig {
  const logFormat: LogFormat = env.LOG_FORMAT === '' ? 'auto' : (env.LOG_FORMAT as LogFormat);
  const explicitUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporter = env.OTEL_TRACES_EXPORTER || (explicitUrl || base ? 'otlp' : 'none');
  if (env.OTEL_SDK_DISABLED === 'true' || exporter === 'none') return { logFormat };
  const timeout = env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT || env.OTEL_EXPORTER_OTLP_TIMEOUT;
  const sampler = (env.OTEL_TRACES_SAMPLER || 'parentbased_always_on') as SamplerName;
  const attributes = keyValueList(env.OTEL_RESOURCE_ATTRIBUTES);
  return {
    logFormat,
    tracing: {
      exporter: exporter as TracingConfig['exporter'],
      // The specification's default receiver, and its path appended to a base endpoint (not to a traces endpoint).
      url: explicitUrl || `${(base || 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
      headers: {
        ...keyValueList(env.OTEL_EXPORTER_OTLP_HEADERS),
        ...keyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
      },
      ...(timeout ? { timeoutMs: Number(timeout) } : {}),
      sampler,
      ratio: env.OTEL_TRACES_SAMPLER_ARG === '' ? 1 : Number(env.OTEL_TRACES_SAMPLER_ARG),
      // OTEL_SERVICE_NAME wins over a service.name among the resource attributes (the specification's order).
      resource: {
        'service.name': serviceName,
        ...attributes,
        ...(env.OTEL_SERVICE_NAME ? { 'service.name': env.OTEL_SERVICE_NAME } : {}),
      },
    },
  };
}
