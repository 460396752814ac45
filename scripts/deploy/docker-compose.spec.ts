// docker-compose.yml cannot run here (no Docker engine), so this spec holds it to the apps' configuration:
// the expected names come from the service manifests and the service kit's config code, not from a copy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readServiceConfig, serviceVariables } from '@orders/service-kit';
import { TELEMETRY_DEFAULTS } from '@orders/service-kit/src/telemetry/telemetry-config';
import { readSettings } from '@orders/service-kit';
import { consoleSettings } from '../../apps/console/src/config/console-settings';
import { root, serviceManifests } from './service-manifests';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target: string; args: Record<string, string> };
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  entrypoint?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const initSql = readFileSync(join(root, 'deploy', 'postgres', 'init.sql'), 'utf8');
const manifests = serviceManifests();

// Compose's `${NAME:-default}` as an empty environment would resolve it.
const interpolate = (value: string | number): string => String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

const inProfile = (name: string, profile?: string): boolean =>
  profile ? (compose.services[name].profiles ?? []).includes(profile) : !compose.services[name].profiles;

describe('docker-compose.yml', () => {
  it('runs Kafka in KRaft mode from the apache/kafka image, PostgreSQL, and one service per app', () => {
    const upByDefault = Object.keys(compose.services).filter((name) => inProfile(name));
    expect(upByDefault.sort()).toEqual(['console', 'kafka', 'postgres', ...manifests.map((m) => m.name)].sort());
    const kafka = compose.services.kafka;
    expect(kafka.image).toMatch(/^apache\/kafka:/);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.postgres.image).toMatch(/^postgres:/);
  });

  describe.each(manifests)('$name', (manifest) => {
    const service = compose.services[manifest.name];
    const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));

    it('is built from the root Dockerfile with its app folder as the build argument', () => {
      expect(service.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile', args: { APP: manifest.dir } });
      expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${service.build?.target}$`, 'm'));
      expect(dockerfile).toMatch(/^ARG APP$/m);
    });

    it('sets exactly the variables its configuration reads, telemetry from the shell and off by default', () => {
      const telemetry = Object.keys(environment).filter((name) => /^(OTEL_|LOG_FORMAT$)/.test(name));
      expect(telemetry.length).toBeGreaterThan(0);
      for (const name of telemetry) expect(Object.keys(TELEMETRY_DEFAULTS)).toContain(name);
      for (const name of telemetry) expect(service.environment?.[name]).toBe(`\${${name}:-}`);
      const others = Object.keys(environment).filter((name) => !telemetry.includes(name));
      expect(others.sort()).toEqual(Object.values(serviceVariables(manifest)).sort());
      expect(readServiceConfig(manifest, environment).telemetry.tracing).toBeUndefined();
      const traced = { ...environment, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' };
      expect(readServiceConfig(manifest, traced).telemetry.tracing?.url).toBe('http://otel-collector:4318/v1/traces');
    });

    it('passes its own configuration validation, listening on all interfaces', () => {
      const config = readServiceConfig(manifest, environment);
      expect(config.host).toBe('0.0.0.0');
      expect(config.port).toBe(manifest.defaultPort);
    });

    it('publishes its port', () => {
      expect(service.ports).toEqual([`${manifest.defaultPort}:${environment.PORT}`]);
    });

    it("reaches its own database, which the PostgreSQL init script creates", () => {
      const url = new URL(environment[manifest.databaseUrlVariable]);
      expect(url.hostname).toBe('postgres');
      expect(url.pathname).toBe(`/${manifest.databaseName}`);
      expect(initSql).toMatch(new RegExp(`^CREATE DATABASE ${manifest.databaseName};$`, 'm'));
    });

    it('reaches Kafka on a listener the broker advertises, and waits for both to be healthy', () => {
      const advertised = String(compose.services.kafka.environment?.KAFKA_ADVERTISED_LISTENERS).split(',').map((l) => l.replace(/^\w+:\/\//, ''));
      for (const broker of environment.KAFKA_BROKERS.split(',')) expect(advertised).toContain(broker);
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, kafka: { condition: 'service_healthy' } });
    });
  });

  it('gives the services a documented development API key by default, never an empty one', () => {
    const apiKeys = interpolate(compose.services[manifests[0].name].environment?.API_KEYS ?? '');
    const [principal, key] = apiKeys.split(':');
    expect(principal).toBe('dev');
    expect(key.length).toBeGreaterThanOrEqual(16);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(key);
  });

  describe('console', () => {
    const service = compose.services.console;
    const environment = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]),
    );
    const urls: Record<string, string> = {
      INTAKE_URL: 'intake', COURIER_URL: 'courier-tracking', MARKETPLACE_URL: 'marketplace-cancellations',
      PROJECTOR_URL: 'projector',
    };

    it('is built from the root Dockerfile like the services, and publishes its port', () => {
      expect(service.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile', args: { APP: 'console' } });
      expect(service.ports).toEqual([`${environment.PORT}:${environment.PORT}`]);
    });

    it('sets exactly the variables its settings read, which pass their validation, listening on all interfaces', () => {
      expect(Object.keys(environment).sort()).toEqual(Object.keys(consoleSettings.defaults).sort());
      const { value, problems } = readSettings(consoleSettings, environment);
      expect(problems).toEqual([]);
      expect(value?.host).toBe('0.0.0.0');
      // Plain HTTP on a laptop: a Secure session cookie would never come back.
      expect(value?.secureCookies).toBe(false);
    });

    it("speaks to each service by its compose name and port, once that service is healthy", () => {
      for (const [variable, name] of Object.entries(urls)) {
        const port = interpolate(compose.services[name].environment?.PORT ?? '');
        expect(environment[variable]).toBe(`http://${name}:${port}`);
      }
      expect(service.depends_on).toEqual(
        Object.fromEntries(Object.values(urls).map((name) => [name, { condition: 'service_healthy' }])));
    });
  });

  describe('ops-cli (profile tools)', () => {
    const ops = compose.services['ops-cli'];

    it('is a one-off of the tools profile, running the compiled CLI from the root Dockerfile', () => {
      expect(Object.keys(compose.services).filter((name) => inProfile(name, 'tools'))).toEqual(['ops-cli']);
      expect(ops.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile', args: { APP: 'ops-cli' } });
      expect(ops.entrypoint).toEqual(['node', 'dist/apps/ops-cli/main.js']);
    });

    it("reaches every service's database as the CLI names it (service.json) and the broker", () => {
      const environment = Object.fromEntries(Object.entries(ops.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
      expect(Object.keys(environment).sort()).toEqual(['KAFKA_BROKERS', ...manifests.map((m) => m.databaseUrlVariable)].sort());
      for (const manifest of manifests) {
        const url = new URL(environment[manifest.databaseUrlVariable]);
        expect([url.hostname, url.pathname]).toEqual(['postgres', `/${manifest.databaseName}`]);
      }
      expect(environment.KAFKA_BROKERS).toBe(compose.services[manifests[0].name].environment?.KAFKA_BROKERS);
      expect(ops.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, kafka: { condition: 'service_healthy' } });
    });
  });
});
