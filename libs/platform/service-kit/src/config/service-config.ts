import { createHash } from 'node:crypto';
import {
  TELEMETRY_DEFAULTS, TELEMETRY_SECRETS, TelemetryEnv, telemetryConfigOf, type TelemetryConfig,
} from '../telemetry/telemetry-config';
import { ServiceDefinition } from './service-definition';
import {
  DeploymentEnvironment, LogLevel, ServiceEnv, ServiceEnvField, serviceDefaults, serviceVariables,
} from './service-env';
import { Environment, SettingsDeclaration, readSettings, validateVariables } from './service-settings';
import { retiredTopicPrefixProblems } from './topic-prefix';

export const SCOPES = ['read', 'write', 'operate'] as const;
export type Scope = (typeof SCOPES)[number];

export interface HashedApiKey {
  readonly principal: string;
  /** sha256 of the key, hex. The key itself is not kept. */
  readonly sha256: string;
  /** The companies / campaigns the key may act for; '*' is all of them. Default '*'. */
  readonly tenants?: '*' | readonly string[];
  /** Default: every scope. */
  readonly scopes?: readonly Scope[];
}

/** The typed configuration every part of a service shell reads. Abstract class so it can be injected by type. */
export abstract class ServiceConfig {
  abstract readonly service: ServiceDefinition;
  /** NODE_ENV: only `development` may run without the protections a deployment needs (PII_MASTER_KEY). */
  abstract readonly environment: DeploymentEnvironment;
  abstract readonly port: number;
  abstract readonly host: string;
  abstract readonly databaseUrl: string;
  abstract readonly kafka: { readonly brokers: string[]; readonly clientId: string };
  abstract readonly logLevel: LogLevel;
  abstract readonly apiKeys: readonly HashedApiKey[];
  /** Empty when not configured; see ServiceEnv.PII_MASTER_KEY. */
  abstract readonly piiMasterKey: string;
  abstract readonly shutdownTimeoutMs: number;
  abstract readonly healthCheckTimeoutMs: number;
  /** LOG_FORMAT and the OTEL_* variables: log lines' format, and tracing (off unless OTEL_* asks for it). */
  abstract readonly telemetry: TelemetryConfig;
}

export class ConfigValidationError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
  constructor(readonly service: string, readonly problems: string[]) {
    super(`${service}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigValidationError';
  }
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * Reads and validates the environment: the kit's variables and those of every settings declaration of the service.
 * Throws one error naming every bad variable, of the kit and of the service together.
 */
export function readServiceConfig(
  definition: ServiceDefinition, env: Environment, declarations: readonly SettingsDeclaration[] = [],
): ServiceConfig {
  const variables = serviceVariables(definition);
  const { value: parsed, problems } = validateVariables({
    variables: ServiceEnv, defaults: serviceDefaults(definition), names: variables, env,
    secret: ['API_KEYS', 'DATABASE_URL', 'PII_MASTER_KEY'] satisfies ServiceEnvField[],
  });
  const telemetry = validateVariables({
    variables: TelemetryEnv, defaults: TELEMETRY_DEFAULTS, secret: TELEMETRY_SECRETS, env,
  });
  problems.push(...telemetry.problems);
  for (const declaration of declarations) problems.push(...readSettings(declaration, env).problems);
  problems.push(...retiredTopicPrefixProblems(env));
  if (problems.length > 0) throw new ConfigValidationError(definition.name, problems);
  return {
    service: definition,
    environment: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    kafka: { brokers: parsed.KAFKA_BROKERS.split(','), clientId: parsed.KAFKA_CLIENT_ID },
    logLevel: parsed.LOG_LEVEL,
    apiKeys: parseApiKeys(parsed.API_KEYS),
    piiMasterKey: parsed.PII_MASTER_KEY,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    healthCheckTimeoutMs: parsed.HEALTH_CHECK_TIMEOUT_MS,
    telemetry: telemetryConfigOf(telemetry.value, definition.name),
  };
}

/** A declaration's typed settings; call after `readServiceConfig` accepted the same environment. */
export function readDeclaredSettings<V extends object, T>(
  definition: ServiceDefinition, declaration: SettingsDeclaration<V, T>, env: Environment,
): T {
  const { value, problems } = readSettings(declaration, env);
  if (value === undefined) throw new ConfigValidationError(definition.name, problems);
  return value;
}

function parseApiKeys(value: string): HashedApiKey[] {
  if (!value) return [];
  return value.split(',').map((entry) => {
    const [principal, key, tenants, scopes] = entry.split(':');
    return {
      principal,
      sha256: hashApiKey(key),
      tenants: !tenants || tenants === '*' ? '*' : tenants.split('|'),
      scopes: scopes ? (scopes.split('|') as Scope[]) : [...SCOPES],
    };
  });
}
