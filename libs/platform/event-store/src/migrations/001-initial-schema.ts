import type { MigrationInterface, QueryRunner } from 'typeorm';

// The whole store in one schema whose name is chosen by the caller (each test file gets its own).

export function initialSchemaSql(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE TABLE ${s}.streams (
       stream_id       text PRIMARY KEY,
       stream_type     text NOT NULL,
       tenant          text,
       version         bigint NOT NULL CHECK (version >= 0),
       head_hash       bytea,
       -- the head before the latest append: lets one UPDATE hand the chain's starting hash to the event INSERT
       prev_head_hash  bytea,
       -- xid of the latest append: the next append must have a larger one (see append-sql.ts)
       last_transaction_id xid8 NOT NULL,
       created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
       updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
     )`,
    // No foreign key to streams: the append already holds the stream row, and the check would cost a lookup per row.
    `CREATE TABLE ${s}.events (
       global_position bigserial PRIMARY KEY,
       transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
       stream_id       text NOT NULL,
       stream_type     text NOT NULL,
       stream_version  bigint NOT NULL CHECK (stream_version >= 1),
       event_id        uuid NOT NULL,
       type            text NOT NULL,
       schema_version  integer NOT NULL DEFAULT 1,
       data            jsonb NOT NULL,
       metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
       occurred_at     timestamptz NOT NULL,
       recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
       hash            bytea NOT NULL,
       prev_hash       bytea,
       CONSTRAINT events_event_id_key UNIQUE (event_id),
       CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
     )`,
    // Commit-safe reading order (architecture rule 3).
    `CREATE INDEX events_commit_order_idx ON ${s}.events (transaction_id, global_position)`,
    // The log is append-only; verification (the hash chain) catches whoever disables this.
    `CREATE FUNCTION ${s}.refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'events are append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
     END $$`,
    `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${s}.events
       FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_event_change()`,
    `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
       FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_event_change()`,
    // hash_i = sha256(hash_{i-1} || int8 version_i || content_i); mirrored by hash-chain.ts for verification.
    // FOREACH walks the array once: subscripting a bytea[] element by element would be quadratic.
    `CREATE FUNCTION ${s}.chain_hashes(prev bytea, base_version bigint, contents bytea[])
       RETURNS TABLE (hash bytea, prev_hash bytea) LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
     DECLARE
       c bytea;
       v bigint := base_version;
     BEGIN
       hash := prev;
       FOREACH c IN ARRAY contents LOOP
         v := v + 1;
         prev_hash := hash;
         hash := sha256(coalesce(hash, ''::bytea) || int8send(v) || c);
         RETURN NEXT;
       END LOOP;
     END $$`,
    `CREATE FUNCTION ${s}.chain_head(prev bytea, base_version bigint, contents bytea[]) RETURNS bytea
       LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
     DECLARE
       c bytea;
       v bigint := base_version;
       h bytea := prev;
     BEGIN
       FOREACH c IN ARRAY contents LOOP
         v := v + 1;
         h := sha256(coalesce(h, ''::bytea) || int8send(v) || c);
       END LOOP;
       RETURN h;
     END $$`,
    `CREATE TABLE ${s}.idempotency_keys (
       idempotency_key     text PRIMARY KEY,
       stream_id           text NOT NULL,
       request_fingerprint text NOT NULL,
       first_version       bigint NOT NULL,
       last_version        bigint NOT NULL,
       created_at          timestamptz NOT NULL DEFAULT clock_timestamp()
     )`,
    `CREATE INDEX idempotency_keys_created_at_idx ON ${s}.idempotency_keys (created_at)`,
    `CREATE TABLE ${s}.snapshots (
       stream_id        text NOT NULL,
       snapshot_version text NOT NULL,
       stream_version   bigint NOT NULL,
       state            jsonb NOT NULL,
       created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
       PRIMARY KEY (stream_id, snapshot_version)
     )`,
    // One row per named subscription: its checkpoint and its lease (a row, not an advisory lock, so it works behind
    // transaction-pooling proxies).
    `CREATE TABLE ${s}.subscriptions (
       name             text PRIMARY KEY,
       transaction_id   xid8 NOT NULL DEFAULT '0'::xid8,
       global_position  bigint NOT NULL DEFAULT 0,
       lease_owner      text,
       lease_expires_at timestamptz,
       created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
       updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
     )`,
  ];
}

export function initialSchemaMigration(schema: string): new () => MigrationInterface {
  return class EventStoreInitialSchema1767225600000 implements MigrationInterface {
    name = 'EventStoreInitialSchema1767225600000';

    async up(runner: QueryRunner): Promise<void> {
      for (const statement of initialSchemaSql(schema)) await runner.query(statement);
    }

    async down(runner: QueryRunner): Promise<void> {
      const s = `"${schema}"`;
      for (const table of ['subscriptions', 'snapshots', 'idempotency_keys', 'events', 'streams']) {
        await runner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
      }
      await runner.query(`DROP FUNCTION IF EXISTS ${s}.chain_hashes(bytea, bigint, bytea[])`);
      await runner.query(`DROP FUNCTION IF EXISTS ${s}.chain_head(bytea, bigint, bytea[])`);
      await runner.query(`DROP FUNCTION IF EXISTS ${s}.refuse_event_change()`);
    }
  };
}
