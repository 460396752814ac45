import type { Queryable } from './queryable';

/** One subscription as an operator sees it: where it is, how far behind the log, who holds its lease. */
export interface SubscriptionOverview {
  name: string;
  /** `transaction id/global position` of the last event it handled. */
  checkpoint: string;
  /** Events committed after the checkpoint (commit order), i.e. not yet seen by it. */
  behind: number;
  headPosition: string;
  /** The live lease holder, or null when the lease is free or expired. */
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  updatedAt: string;
}

/** Every subscription of a store, by name: the same figures as `ops status` reads. */
export async function subscriptionOverview(q: Queryable, schema: string): Promise<SubscriptionOverview[]> {
  const s = `"${schema}"`;
  const { rows } = await q.query<{
    name: string; checkpoint: string; behind: string; head: string | null; lease_owner: string | null;
    lease_expires_at: Date | null; updated_at: Date;
  }>({
    text: `SELECT sub.name, sub.transaction_id::text || '/' || sub.global_position AS checkpoint,
            (SELECT count(*) FROM ${s}.events e
              WHERE (e.transaction_id, e.global_position) > (sub.transaction_id, sub.global_position))::text AS behind,
            (SELECT max(global_position) FROM ${s}.events)::text AS head,
            sub.lease_owner, CASE WHEN sub.lease_expires_at > now() THEN sub.lease_expires_at END AS lease_expires_at,
            sub.updated_at
       FROM ${s}.subscriptions sub ORDER BY sub.name`,
  });
  return rows.map((r) => ({
    name: r.name,
    checkpoint: r.checkpoint,
    behind: Number(r.behind),
    headPosition: r.head ?? '0',
    leaseOwner: r.lease_expires_at ? r.lease_owner : null,
    leaseExpiresAt: r.lease_expires_at?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
  }));
}
