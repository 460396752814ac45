import { sqlMigration } from '@orders/service-kit/migrations';
import { SUMMARY_PROJECTION } from '@orders/read-model-protocol';
import type { MigrationInterface } from 'typeorm';

/** The table of one version of the summary projection (blue/green: versions live side by side). */
export const summaryTable = (schema: string, version: number): string => `"${schema}".order_summary_v${version}`;

/**
 * The read-model schema.
 * - `events`: the journal of every integration event consumed, written in the inbox transaction. It is the order
 *   timeline (actor and source extracted on the way in) and the source of rebuilds. `transaction_id` (xid8) lets a
 *   rebuild read it in commit-safe order, as the event store does (architecture rule 3).
 * - `order_summary_v<n>`: versions of the summary projection; `projections` points at the one that serves and the
 *   view `order_summary` always shows it.
 * - `rebuilds`: one row per rebuild, its checkpoint and progress (resumable, and read by /metrics).
 */
export function projectorMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return sqlMigration('ProjectorReadModels1767657600000', {
    up: [
      `CREATE TABLE ${s}.events (
        position bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id text NOT NULL UNIQUE,
        topic text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        order_id text NOT NULL,
        tenant_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        causation_id text,
        source text NOT NULL,
        actor text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX events_commit_order ON ${s}.events (transaction_id, position)`,
      `CREATE INDEX events_order ON ${s}.events (order_id, position)`,
      `CREATE INDEX events_tenant ON ${s}.events (tenant_id, occurred_at)`,
      `CREATE INDEX events_occurred ON ${s}.events (occurred_at)`,
      `CREATE TABLE ${summaryTable(schema, 1)} (
        order_id text PRIMARY KEY,
        tenant_id text NOT NULL,
        status text NOT NULL,
        version integer NOT NULL,
        erased boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        state jsonb NOT NULL
      )`,
      `CREATE INDEX order_summary_v1_tenant_status ON ${summaryTable(schema, 1)} (tenant_id, status)`,
      `CREATE TABLE ${s}.projections (
        name text PRIMARY KEY,
        active_version integer NOT NULL,
        switched_at timestamptz NOT NULL DEFAULT now()
      )`,
      `INSERT INTO ${s}.projections (name, active_version) VALUES ('${SUMMARY_PROJECTION}', 1)`,
      `CREATE VIEW ${s}.order_summary AS SELECT * FROM ${summaryTable(schema, 1)}`,
      `CREATE TABLE ${s}.rebuilds (
        projection text NOT NULL,
        version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done', 'abandoned')),
        checkpoint_transaction xid8 NOT NULL DEFAULT '0',
        checkpoint_position bigint NOT NULL DEFAULT 0,
        processed bigint NOT NULL DEFAULT 0,
        total bigint NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        PRIMARY KEY (projection, version)
      )`,
      // At most one rebuild of a projection runs at a time; a crashed one is resumed, not duplicated.
      `CREATE UNIQUE INDEX rebuilds_one_running ON ${s}.rebuilds (projection) WHERE status = 'running'`,
    ],
    down: [
      `DROP VIEW ${s}.order_summary`,
      ...['rebuilds', 'projections', 'order_summary_v1', 'events'].map((table) => `DROP TABLE ${s}.${table}`),
    ],
  });
}
