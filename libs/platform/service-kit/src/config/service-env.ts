// class-transformer's @Type reads design metadata; this module may load before NestJS has installed the polyfill.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIP, IsIn, IsInt, IsNotEmpty, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { ServiceDefinition } from './service-definition';

const ENTRY = String.raw`[\w.-]+:[^\s,:]{16,}(:(\*|[\w.-]+(\|[\w.-]+)*)(:(read|write|operate)(\|(read|write|operate))*)?)?`;
/** Validated here and parsed in service-config.ts; exported for the spec. */
export const API_KEYS_PATTERN = new RegExp(`^$|^${ENTRY}(,${ENTRY})*$`);

/**
 * NODE_ENV. Unset means production: a deployment that forgets it still warns about missing protections, and
 * `npm start` sets development. Tests run as `test` (jest sets it), which counts as "not development".
 */
export const DEPLOYMENT_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type DeploymentEnvironment = (typeof DEPLOYMENT_ENVIRONMENTS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The environment of one service, validated field by field. Field names are the variable names, except
 * DATABASE_URL, which is read from the service's own variable (see `serviceVariables`).
 */
export class ServiceEnv {
  @IsIn(DEPLOYMENT_ENVIRONMENTS)
  NODE_ENV!: DeploymentEnvironment;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  /** 127.0.0.1 on a developer machine; 0.0.0.0 in a container. */
  @IsIP()
  HOST!: string;

  @IsUrl(
    { protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true },
    { message: 'must be a postgres:// URL' },
  )
  DATABASE_URL!: string;

  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  @IsString()
  @IsNotEmpty()
  KAFKA_CLIENT_ID!: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL!: LogLevel;

  /**
   * Comma-separated `principal:key[:tenants[:scopes]]` entries; tenants and scopes are `|`-separated lists,
   * tenants `*` (the default) means every company / campaign, scopes default to read|write|operate.
   * Keys are kept only as hashes once read.
   */
  @Matches(API_KEYS_PATTERN, {
    message:
      'must be empty or a comma-separated list of principal:key[:tenants[:scopes]] with keys of at least 16 characters and scopes among read, write, operate',
  })
  API_KEYS!: string;

  /**
   * 32 bytes (64 hex characters or base64) wrapping each order's personal-data key (architecture rule 7). Empty
   * keeps the per-order keys unwrapped: erasure still works, but a database dump could read the records.
   */
  @Matches(/^$|^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, {
    message: 'must be empty or 32 bytes as 64 hex characters or base64',
  })
  PII_MASTER_KEY!: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS!: number;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  HEALTH_CHECK_TIMEOUT_MS!: number;
}

export type ServiceEnvField = keyof ServiceEnv;

/** Defaults for a developer machine; they equal scripts/lib/settings.js (a spec holds them together). */
export function serviceDefaults(definition: ServiceDefinition): Record<ServiceEnvField, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(definition.defaultPort),
    HOST: '127.0.0.1',
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${definition.databaseName}`,
    KAFKA_BROKERS: '127.0.0.1:19092',
    KAFKA_CLIENT_ID: definition.name,
    LOG_LEVEL: 'info',
    API_KEYS: '',
    PII_MASTER_KEY: '',
    SHUTDOWN_TIMEOUT_MS: '10000',
    HEALTH_CHECK_TIMEOUT_MS: '1500',
  };
}

/** The environment variable each field is read from. docker-compose and `npm start` set exactly these. */
export function serviceVariables(definition: ServiceDefinition): Record<ServiceEnvField, string> {
  const names = Object.fromEntries(Object.keys(serviceDefaults(definition)).map((field) => [field, field]));
  return { ...names, DATABASE_URL: definition.databaseUrlVariable } as Record<ServiceEnvField, string>;
}
