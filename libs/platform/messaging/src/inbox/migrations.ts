import { assertSchemaName, runSchemaMigrations } from '@orders/event-store';
import type { ClientConfig } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export const DEFAULT_INBOX_SCHEMA = 'messaging';
export const MESSAGING_MIGRATIONS_TABLE = 'messaging_migrations';

function inboxMigration(schema: string): new () => MigrationInterface {
  return class MessagingInbox1767312000000 implements MigrationInterface {
    name = 'MessagingInbox1767312000000';

    async up(runner: QueryRunner): Promise<void> {
      // One row per (consumer group, message id) whose effect committed; the key is text because upstream ids need
      // not be UUIDs. Origin coordinates are kept for audits ("which offset did this come from").
      await runner.query(`CREATE TABLE "${schema}".inbox (
        group_id   text NOT NULL,
        message_id text NOT NULL,
        topic      text NOT NULL,
        partition  integer NOT NULL,
        "offset"   bigint NOT NULL,
        event_type text,
        handled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (group_id, message_id)
      )`);
      await runner.query(`CREATE INDEX inbox_handled_at_idx ON "${schema}".inbox (handled_at)`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${schema}".inbox`);
    }
  };
}

/** The inbox migrations for one schema, in order (add them to an app's DataSource if it migrates at deploy time). */
export function messagingMigrations(schema: string = DEFAULT_INBOX_SCHEMA): Array<new () => MigrationInterface> {
  assertSchemaName(schema);
  return [inboxMigration(schema)];
}

/** Creates the schema when missing and runs pending inbox migrations, serialised across processes. */
export function runMessagingMigrations(connection: string | ClientConfig, schema: string = DEFAULT_INBOX_SCHEMA): Promise<string[]> {
  return runSchemaMigrations({ connection, schema, migrations: messagingMigrations(schema), tableName: MESSAGING_MIGRATIONS_TABLE });
}
