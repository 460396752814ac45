import { IsInt, Matches } from 'class-validator';
import { Type } from 'class-transformer';
import { ConfigValidationError, hashApiKey, readDeclaredSettings, readServiceConfig } from './service-config';
import { declareSettings } from './service-settings';
import { ServiceDefinition } from './service-definition';
import { serviceVariables } from './service-env';

const orders: ServiceDefinition = {
  name: 'orders-probe', title: 'Probe', description: 'probe', defaultPort: 3999,
  databaseUrlVariable: 'PROBE_DATABASE_URL', databaseName: 'probe',
};

describe('service configuration', () => {
  it('falls back to the local stack defaults', () => {
    const config = readServiceConfig(orders, {});
    expect(config).toMatchObject({
      environment: 'production',
      port: 3999,
      host: '127.0.0.1',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/probe',
      kafka: { brokers: ['127.0.0.1:19092'], clientId: 'orders-probe' },
      logLevel: 'info',
      apiKeys: [],
      shutdownTimeoutMs: 10000,
    });
  });

  it("reads the database URL from the service's own variable, not a shared one", () => {
    const env = { PROBE_DATABASE_URL: 'postgres://u:p@db:5432/other', DATABASE_URL: 'postgres://x@y/z' };
    expect(readServiceConfig(orders, env).databaseUrl).toBe('postgres://u:p@db:5432/other');
    expect(serviceVariables(orders).DATABASE_URL).toBe('PROBE_DATABASE_URL');
  });

  it('converts numbers and splits the broker list', () => {
    const config = readServiceConfig(orders, { PORT: '0', KAFKA_BROKERS: 'kafka:9092,kafka2:9092', SHUTDOWN_TIMEOUT_MS: '250' });
    expect(config.port).toBe(0);
    expect(config.kafka.brokers).toEqual(['kafka:9092', 'kafka2:9092']);
    expect(config.shutdownTimeoutMs).toBe(250);
  });

  it('names every bad variable in one error and never shows secrets', () => {
    const env = {
      PORT: 'http', HOST: 'localhost', PROBE_DATABASE_URL: 'mysql://root:hunter2@db/x', KAFKA_BROKERS: 'kafka',
      LOG_LEVEL: 'chatty', API_KEYS: 'ops:short', SHUTDOWN_TIMEOUT_MS: '-1',
    };
    let error: unknown;
    try {
      readServiceConfig(orders, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const { problems, message } = error as ConfigValidationError;
    expect(problems.map((p) => p.split('=')[0])).toEqual(
      ['PORT', 'HOST', 'PROBE_DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'API_KEYS', 'SHUTDOWN_TIMEOUT_MS'],
    );
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('short');
  });

  it('keeps API keys only as hashes', () => {
    const key = 'k'.repeat(24);
    const config = readServiceConfig(orders, { API_KEYS: `ops:${key},market-bot:${'m'.repeat(20)}` });
    expect(config.apiKeys).toEqual([
      { principal: 'ops', sha256: hashApiKey(key), tenants: '*', scopes: ['read', 'write', 'operate'] },
      { principal: 'market-bot', sha256: hashApiKey('m'.repeat(20)), tenants: '*', scopes: ['read', 'write', 'operate'] },
    ]);
    expect(JSON.stringify(config)).not.toContain(key);
  });

  it('reads the tenants and scopes a key is limited to', () => {
    const key = 'k'.repeat(24);
    const config = readServiceConfig(orders, { API_KEYS: `acme-ops:${key}:acme|acme-2:read,viewer:${key}x:*:read` });
    expect(config.apiKeys[0]).toMatchObject({ principal: 'acme-ops', tenants: ['acme', 'acme-2'], scopes: ['read'] });
    expect(config.apiKeys[1]).toMatchObject({ principal: 'viewer', tenants: '*', scopes: ['read'] });
  });

  it('refuses an unknown scope', () => {
    expect(() => readServiceConfig(orders, { API_KEYS: `ops:${'k'.repeat(20)}:*:admin` })).toThrow(/API_KEYS/);
  });
});

class ProbeVariables {
  @Type(() => Number) @IsInt() PROBE_BATCH!: number;
  @Matches(/^[a-z]*$/) PROBE_SECRET!: string;
}

const probeSettings = declareSettings({
  token: Symbol('PROBE_SETTINGS'),
  variables: ProbeVariables,
  defaults: { PROBE_BATCH: '10', PROBE_SECRET: '' },
  secret: ['PROBE_SECRET'],
  build: (env) => ({ batch: env.PROBE_BATCH, secret: env.PROBE_SECRET }),
});

describe("a service's own settings", () => {
  it('are typed from the validated variables, defaults when absent', () => {
    expect(readDeclaredSettings(orders, probeSettings, {})).toEqual({ batch: 10, secret: '' });
    expect(readDeclaredSettings(orders, probeSettings, { PROBE_BATCH: '25' }).batch).toBe(25);
  });

  it("are validated with the kit's variables: one error names every bad variable of both, secrets hidden", () => {
    const env = { PORT: 'http', PROBE_BATCH: 'many', PROBE_SECRET: 'Hunter2', NODE_ENV: 'staging' };
    let error: unknown;
    try {
      readServiceConfig(orders, env, [probeSettings]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const { problems, message } = error as ConfigValidationError;
    expect(problems.map((p) => p.split('=')[0])).toEqual(['NODE_ENV', 'PORT', 'PROBE_BATCH', 'PROBE_SECRET']);
    expect(message).not.toContain('Hunter2');
  });

  it('reads NODE_ENV among development, test and production', () => {
    expect(readServiceConfig(orders, { NODE_ENV: 'development' }).environment).toBe('development');
  });
});
