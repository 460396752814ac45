import { runEventStoreMigrations } from '@orders/event-store';
import { testDatabaseUrl } from '@orders/event-store/testing';
import { Client } from 'pg';

// Each service has a database of its own, with its store in schema `event_store`: tests that read several services
// at once (audit, status) get scratch databases shaped the same way, dropped afterwards.

function adminUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = '/postgres';
  return process.env.POSTGRES_ADMIN_URL ?? url.toString();
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createStoreDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  await runEventStoreMigrations(databaseUrl(name));
  return databaseUrl(name);
}

export async function dropDatabases(names: readonly string[]): Promise<void> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
