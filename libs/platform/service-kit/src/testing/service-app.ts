import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPool } from '@orders/event-store';
import { startMessaging } from '@orders/messaging/nest';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import request from 'supertest';
import { createServiceApp } from '../bootstrap';
import { databaseUrlOn, ignoreForcedDrop, onAdmin } from './test-database';

export interface ServiceAppBoot {
  /** Loads the app module; called once `env` is in place, so whatever reads it while loading sees it too. */
  readonly appModule: () => Promise<Type<unknown>>;
  /** Variables the app reads while it starts: in the process environment only until it has started. */
  readonly env: Record<string, string>;
  /** Listen on a free loopback port (read it with `listeningUrl`); otherwise initialise only, which supertest needs. */
  readonly listen?: boolean;
  /**
   * Boot the HTTP side and the database only; Kafka consumption starts when the spec calls `startServiceMessaging`
   * (or `ServiceTestApp.startMessaging`). For specs that must arrange rows before any consumer runs: a consumer
   * started in the background at boot may or may not have passed its start-up work by then, which is a race.
   */
  readonly deferMessaging?: boolean;
}

/**
 * Boots a real service app as its main.ts does: the kit's shell (`createServiceApp`), init or listen, then messaging,
 * which connects to Kafka in the background (await the transport's `ready()` where a spec needs the consumers).
 * The spec's environment is restored afterwards, even when the start fails.
 */
export async function bootServiceApp(boot: ServiceAppBoot): Promise<NestExpressApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, boot.env);
  try {
    const app = await createServiceApp(await boot.appModule());
    if (boot.listen) await app.listen(0, '127.0.0.1');
    else await app.init();
    if (!boot.deferMessaging) await startServiceMessaging(app);
    return app;
  } finally {
    process.env = saved;
  }
}

/**
 * Starts the Kafka side of an app booted by `bootServiceApp` (as main.ts does after `bootstrap`), in the background;
 * once per app: a second call is a no-op, so a harness may call it whether or not the boot deferred it.
 */
export async function startServiceMessaging(app: NestExpressApplication): Promise<void> {
  if (messagingStarted.has(app)) return;
  messagingStarted.add(app);
  await startMessaging(app);
}

const messagingStarted = new WeakSet<NestExpressApplication>();

/** `http://127.0.0.1:<port>` of an app booted with `listen`. */
export function listeningUrl(app: NestExpressApplication): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export interface FreshDatabaseBoot extends ServiceAppBoot {
  /** A URL on the server the service uses (its default database, say): the new database is made beside it. */
  readonly baseUrl: string;
  /** The new database's name, unique to the spec file. */
  readonly database: string;
  /** The variable the service reads its database URL from (`INTAKE_DATABASE_URL`, ...); set to the new database. */
  readonly databaseUrlVariable: string;
  /** Runs on close, once the database is dropped (the spec's topics to delete, say). */
  readonly afterClose?: () => Promise<void>;
}

/** A service app booted on a database of its own, with a way behind its API. */
export interface ServiceTestApp {
  readonly app: NestExpressApplication;
  /** The app's own database (its name); dropped on close. */
  readonly database: string;
  /** A small pool on the app's own database, for looking behind the API. */
  readonly pool: Pool;
  http(): ReturnType<typeof request>;
  /** Starts consumption when the boot deferred it (`deferMessaging`); a no-op otherwise. */
  startMessaging(): Promise<void>;
  /** Closes the pool and the app, then drops the database. */
  close(): Promise<void>;
}

/** Boots the real app (as `bootServiceApp`) on a fresh database of its own on the real PostgreSQL. */
export async function startOnFreshDatabase(boot: FreshDatabaseBoot): Promise<ServiceTestApp> {
  const url = databaseUrlOn(boot.baseUrl, boot.database);
  const drop = (): Promise<void> => onAdmin(boot.baseUrl, `DROP DATABASE IF EXISTS "${boot.database}" WITH (FORCE)`);
  await onAdmin(boot.baseUrl, `CREATE DATABASE "${boot.database}"`);
  let app: NestExpressApplication;
  try {
    app = await bootServiceApp({ ...boot, env: { [boot.databaseUrlVariable]: url, ...boot.env } });
  } catch (error) {
    await drop();
    throw error;
  }
  const pool = createPool({ connectionString: url, max: 2 }, ignoreForcedDrop);
  return {
    app, pool, database: boot.database,
    http: () => request(app.getHttpServer()),
    startMessaging: () => startServiceMessaging(app),
    async close() {
      await pool.end();
      await app.close();
      await drop();
      await boot.afterClose?.();
    },
  };
}
