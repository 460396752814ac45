import { createHash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ServiceDefinition } from './service-definition';
import { LogLevel, ServiceEnv, ServiceEnvField, serviceDefaults, serviceVariables } from './service-env';

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
}

export class ConfigValidationError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
  constructor(readonly service: string, readonly problems: string[]) {
    super(`${service}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigValidationError';
  }
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** Reads and validates the environment; throws one error naming every bad variable. */
export function readServiceConfig(definition: ServiceDefinition, env: Record<string, string | undefined>): ServiceConfig {
  const variables = serviceVariables(definition);
  const defaults = serviceDefaults(definition);
  const fields = Object.keys(defaults) as ServiceEnvField[];
  const raw = Object.fromEntries(fields.map((field) => [field, env[variables[field]] ?? defaults[field]]));
  const parsed = plainToInstance(ServiceEnv, raw);
  const errors = validateSync(parsed, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = errors.map((error) => {
      const field = error.property as ServiceEnvField;
      // Keys and passwords never appear in the message.
      const shown = field === 'API_KEYS' || field === 'DATABASE_URL' || field === 'PII_MASTER_KEY' ? '(value hidden)' : JSON.stringify(raw[field]);
      return `${variables[field]}=${shown}: ${Object.values(error.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigValidationError(definition.name, problems);
  }
  return {
    service: definition,
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    kafka: { brokers: parsed.KAFKA_BROKERS.split(','), clientId: parsed.KAFKA_CLIENT_ID },
    logLevel: parsed.LOG_LEVEL,
    apiKeys: parseApiKeys(parsed.API_KEYS),
    piiMasterKey: parsed.PII_MASTER_KEY,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    healthCheckTimeoutMs: parsed.HEALTH_CHECK_TIMEOUT_MS,
  };
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
