import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCHEMA } from '@orders/event-store';
import { UsageError } from './exit-codes';
import type { Environment } from '@orders/service-kit';

/** One service's event store as the operator reaches it. */
export interface StoreTarget {
  service: string;
  connection: string;
  schema: string;
}

interface ServiceManifest {
  name: string;
  databaseUrlVariable: string;
  databaseName: string;
  /** false for a service without a domain event store of its own (the projector keeps read models). */
  eventStore?: boolean;
}

/** The read-model database of the projector, as the operator reaches it. */
export interface ReadModelTarget {
  connection: string;
  schema: string;
}

const appsDir = join(__dirname, '..', '..');

/** Every service's manifest, read from its own service.json so names and variables never drift. */
function allManifests(): ServiceManifest[] {
  return readdirSync(appsDir)
    .map((dir) => join(appsDir, dir, 'service.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as ServiceManifest);
}

/** The services that keep an event store (verify has nothing to check elsewhere). */
function manifests(): ServiceManifest[] {
  return allManifests().filter((m) => m.eventStore !== false);
}

export function serviceNames(): string[] {
  return manifests().map((m) => m.name).sort();
}

const PROJECTOR = 'projector';
const DEFAULT_READ_MODEL_SCHEMA = 'projector';

/** The projector's read-model database: `--database-url` / `--schema`, else its manifest's variable and database. */
export function readModelTarget(options: { databaseUrl?: string; schema?: string }, env: Environment): ReadModelTarget {
  const manifest = allManifests().find((m) => m.name === PROJECTOR);
  if (!manifest) throw new UsageError('no projector service in apps/ (its service.json names the read-model database)');
  return {
    connection: options.databaseUrl ?? env[manifest.databaseUrlVariable] ?? `postgres://postgres@127.0.0.1:5432/${manifest.databaseName}`,
    schema: options.schema ?? DEFAULT_READ_MODEL_SCHEMA,
  };
}

/**
 * The stores a command works on: every service's, or the one `--service` names. `--database-url` and `--schema`
 * point one command at another database (a restored backup, a test schema).
 */
export function storeTargets(options: { service?: string; databaseUrl?: string; schema?: string }, env: Environment): StoreTarget[] {
  const all = manifests();
  const chosen = options.service && options.service !== 'all' ? all.filter((m) => m.name === options.service) : all;
  if (chosen.length === 0) throw new UsageError(`unknown service ${JSON.stringify(options.service)}; one of: ${serviceNames().join(', ')}, all`);
  if (options.databaseUrl && chosen.length > 1) throw new UsageError('--database-url needs --service');
  return chosen.map((m) => ({
    service: m.name,
    connection: options.databaseUrl ?? env[m.databaseUrlVariable] ?? `postgres://postgres@127.0.0.1:5432/${m.databaseName}`,
    schema: options.schema ?? DEFAULT_SCHEMA,
  }));
}
