import type { EventStore } from '@orders/event-store';
import type { Pool } from 'pg';
import { MARKETPLACE_ORDER_STREAM_TYPE, deadlineFor, marketplaceOrderStreamId } from '@orders/cancellations-domain';

const waitFor = async (probe: () => Promise<boolean>): Promise<void> => {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 200));
};

/**
 * `count` orders in DELIVERY with a PENDING request, appended as the decider would have, and their timers armed by
 * the service's own timer subscription.
 */
export async function seedPendingRequests(store: EventStore, pool: Pool, count: number, t0: number): Promise<void> {
  // Appended in batches of 100 streams (one statement each), as the decider would have appended them one by one.
  const appends = Array.from({ length: count }, (_, i) => {
    const orderId = String(i + 1);
    const requestedAt = new Date(t0 + ((i + 1) % 3600) * 1000).toISOString();
    return {
      streamId: marketplaceOrderStreamId('21', orderId),
      expected: 'no_stream' as const,
      options: { streamType: MARKETPLACE_ORDER_STREAM_TYPE },
      events: [
        {
          type: 'MarketplaceOrderSynced',
          data: {
            campaignId: '21',
            orderId,
            status: 'DELIVERY',
            marketStatus: 'DELIVERY',
            paymentType: 'PREPAID',
            updatedAt: new Date(t0 - 60_000).toISOString(),
            source: 'POLL',
          },
        },
        {
          type: 'CancellationRequested',
          data: {
            requestId: `r-${orderId}`,
            campaignId: '21',
            orderId,
            requestedAt,
            deadlineAt: deadlineFor(requestedAt),
            orderStatusAtRequest: 'DELIVERY',
          },
        },
      ],
    };
  });
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < appends.length) {
      const chunk = appends.slice(next, next + 100);
      next += chunk.length;
      const outcomes = await store.appendMany(chunk);
      if (outcomes.some((o) => !o.ok)) throw new Error('seed: a stream existed already');
    }
  };
  // Two writers: the service's pool opens a connection per writer, and the machine's PostgreSQL is shared.
  await Promise.all(Array.from({ length: 2 }, writer));
  // Untimed: the timer rows armed, and the read model caught up, so the timed part does not compete with the seed.
  await waitFor(
    async () => (await pool.query(`SELECT count(*)::int AS n FROM cancellation_timers`)).rows[0].n >= count,
  );
  await waitFor(
    async () => (await pool.query(`SELECT count(*)::int AS n FROM cancellation_requests`)).rows[0].n >= count,
  );
}

/** The baseline: claim 100 due rows with FOR UPDATE SKIP LOCKED, mark them fired, commit; two claimers. Seconds. */
export async function fireRawTimers(pool: Pool, count: number): Promise<number> {
  await pool.query(
    `CREATE TABLE raw_timers (id bigserial PRIMARY KEY, due_at timestamptz NOT NULL, state text NOT NULL DEFAULT 'SCHEDULED')`,
  );
  await pool.query(`INSERT INTO raw_timers (due_at) SELECT now() - interval '1 hour' FROM generate_series(1, $1)`, [
    count,
  ]);
  await pool.query(`CREATE INDEX ON raw_timers (due_at) WHERE state = 'SCHEDULED'`);
  const claimer = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      for (;;) {
        await client.query('BEGIN');
        const { rows } = await client.query(
          `SELECT id FROM raw_timers WHERE state = 'SCHEDULED' AND due_at <= now() ORDER BY due_at LIMIT 100 FOR UPDATE SKIP LOCKED`,
        );
        if (rows.length > 0)
          await client.query(`UPDATE raw_timers SET state = 'FIRED' WHERE id = ANY($1)`, [rows.map((r) => r.id)]);
        await client.query('COMMIT');
        if (rows.length < 100) return;
      }
    } finally {
      client.release();
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all([claimer(), claimer()]);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
