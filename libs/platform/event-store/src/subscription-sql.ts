import { compileSql, bind, statementName, type CompiledSql } from './sql-template';
import { storeReadHorizon } from './read';
import type { Queryable } from './queryable';
import { leasePayload } from './notifier';
import type { Checkpoint } from './types';

// The lease is a row (owner, expiry) judged by the database clock, so runners on machines with skewed clocks agree,
// and it works behind transaction-pooling proxies where session advisory locks do not.

type P = 'name' | 'owner' | 'lease_ms' | 'from_now' | 'old_xid' | 'old_pos' | 'new_xid' | 'new_pos' | 'channel' | 'payload';

export class SubscriptionSql {
  private readonly ensureSql: CompiledSql<P>;
  private readonly acquireSql: CompiledSql<P>;
  private readonly renewSql: CompiledSql<P>;
  private readonly advanceSql: CompiledSql<P>;
  private readonly advanceAsyncSql: CompiledSql<P>;
  private readonly releaseSql: CompiledSql<P>;
  private readonly statusSql: CompiledSql<P>;
  private readonly resetSql: CompiledSql<P>;

  constructor(schema: string, private readonly channel: string, private readonly prepared: boolean) {
    const T = `"${schema}".subscriptions`;
    const expiry = `clock_timestamp() + :lease_ms::int * interval '1 millisecond'`;
    const name = (purpose: string) => statementName(schema, `sub_${purpose}`);
    // "Now" is the store's read horizon, not the server's snapshot xmin: an unrelated open transaction (another
    // database's, a psql session's) would put xmin below events already committed, and the history would be replayed.
    this.ensureSql = compileSql(name('ensure'), `
      INSERT INTO ${T} (name, transaction_id)
      VALUES (:name::text, CASE WHEN :from_now::boolean THEN ${storeReadHorizon(schema)}::xid8 ELSE '0'::xid8 END)
      ON CONFLICT (name) DO NOTHING`);
    this.acquireSql = compileSql(name('acquire'), `
      UPDATE ${T} SET lease_owner = :owner::text, lease_expires_at = ${expiry}, updated_at = clock_timestamp()
      WHERE name = :name::text AND (lease_owner IS NULL OR lease_owner = :owner::text OR lease_expires_at < clock_timestamp())
      RETURNING transaction_id::text AS transaction_id, global_position::text AS global_position`);
    this.renewSql = compileSql(name('renew'), `
      UPDATE ${T} SET lease_expires_at = ${expiry}
      WHERE name = :name::text AND lease_owner = :owner::text RETURNING 1`);
    const advance = `
      UPDATE ${T} SET transaction_id = :new_xid::xid8, global_position = :new_pos::bigint,
             lease_expires_at = ${expiry}, updated_at = clock_timestamp()
      WHERE name = :name::text AND lease_owner = :owner::text
        AND transaction_id = :old_xid::xid8 AND global_position = :old_pos::bigint`;
    this.advanceSql = compileSql(name('advance'), `${advance} RETURNING 1`);
    // set_config(..., true) lasts until the end of the transaction, and the commit reads it: this transaction (the
    // statement alone in autocommit) does not wait for its WAL flush. Evaluated on the subscription's row only.
    this.advanceAsyncSql = compileSql(name('advance_async'), `${advance}
        AND set_config('synchronous_commit', 'off', true) IS NOT NULL
      RETURNING 1`);
    this.releaseSql = compileSql(name('release'), `
      WITH r AS (
        UPDATE ${T} SET lease_owner = NULL, lease_expires_at = NULL, updated_at = clock_timestamp()
        WHERE name = :name::text AND lease_owner = :owner::text RETURNING 1
      )
      SELECT pg_notify(:channel::text, :payload::text) FROM r`);
    this.statusSql = compileSql(name('status'), `
      SELECT name, transaction_id::text AS transaction_id, global_position::text AS global_position, lease_owner,
             lease_expires_at, lease_expires_at > clock_timestamp() AS leased, updated_at
      FROM ${T} WHERE name = :name::text`);
    this.resetSql = compileSql(name('reset'), `
      UPDATE ${T} SET transaction_id = :new_xid::xid8, global_position = :new_pos::bigint, updated_at = clock_timestamp()
      WHERE name = :name::text RETURNING 1`);
  }

  async ensure(q: Queryable, name: string, fromNow: boolean): Promise<void> {
    await q.query(bind(this.ensureSql, { name, from_now: fromNow }, this.prepared));
  }

  async acquire(q: Queryable, name: string, owner: string, leaseMs: number): Promise<Checkpoint | undefined> {
    const { rows } = await q.query<{ transaction_id: string; global_position: string }>(
      bind(this.acquireSql, { name, owner, lease_ms: leaseMs }, this.prepared));
    return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : undefined;
  }

  async renew(q: Queryable, name: string, owner: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await q.query(bind(this.renewSql, { name, owner, lease_ms: leaseMs }, this.prepared));
    return rowCount === 1;
  }

  /** `synchronous: false` commits the surrounding transaction without waiting for the WAL flush. */
  async advance(q: Queryable, name: string, owner: string, before: Checkpoint, after: Checkpoint, leaseMs: number, synchronous = true): Promise<boolean> {
    const { rowCount } = await q.query(bind(synchronous ? this.advanceSql : this.advanceAsyncSql, {
      name, owner, lease_ms: leaseMs, old_xid: before.transactionId, old_pos: before.globalPosition,
      new_xid: after.transactionId, new_pos: after.globalPosition,
    }, this.prepared));
    return rowCount === 1;
  }

  async release(q: Queryable, name: string, owner: string): Promise<void> {
    await q.query(bind(this.releaseSql, { name, owner, channel: this.channel, payload: leasePayload(name) }, this.prepared));
  }

  async status(q: Queryable, name: string): Promise<SubscriptionStatus | undefined> {
    const { rows } = await q.query<{ name: string; transaction_id: string; global_position: string; lease_owner: string | null;
      lease_expires_at: Date | null; leased: boolean | null; updated_at: Date }>(bind(this.statusSql, { name }, this.prepared));
    const row = rows[0];
    if (!row) return undefined;
    return {
      name: row.name,
      checkpoint: { transactionId: row.transaction_id, globalPosition: row.global_position },
      leaseOwner: row.leased ? row.lease_owner : null,
      leaseExpiresAt: row.lease_expires_at,
      updatedAt: row.updated_at,
    };
  }

  async reset(q: Queryable, name: string, to: Checkpoint): Promise<boolean> {
    const { rowCount } = await q.query(bind(this.resetSql, { name, new_xid: to.transactionId, new_pos: to.globalPosition }, this.prepared));
    return rowCount === 1;
  }
}

export interface SubscriptionStatus {
  name: string;
  checkpoint: Checkpoint;
  /** The live lease holder, or null when the lease is free or expired. */
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  updatedAt: Date;
}
