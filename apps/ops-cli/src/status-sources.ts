import { subscriptionOverview, type SubscriptionOverview } from '@orders/event-store';
import { isMissingRelation, quoted, withPool } from './stores';
import type { StoreTarget } from './targets';
import { consumerGroupLag, lagByTopic, type TopicLag } from '@orders/messaging';

export interface SubscriptionStatus extends SubscriptionOverview {
  service: string;
  /** A relay publishes the log to Kafka; the others are projections inside the service. */
  kind: 'relay' | 'projection';
}

export interface TimerStatus {
  service: string;
  scheduled: number;
  due: number;
  oldestDueAt: string | null;
  failing: number;
}

/** A call to Market that failed last time it was tried: refused for good, or waiting to be tried again. */
export interface MarketCallFailure {
  campaignId: string;
  orderId: string;
  operation: string;
  state: string;
  attempts: number;
  status: number | null;
  error: string;
  /** When it was refused, or when it is tried again. */
  at: string;
}

export interface MarketCallStatus {
  service: string;
  byState: { PENDING: number; SENT: number; REFUSED: number };
  /** PENDING after at least one failed attempt. */
  retrying: number;
  lastFailures: MarketCallFailure[];
}

export interface ReadModelStatus {
  projection: string;
  servingVersion: number;
  switchedAt: string;
  /** A rebuild in progress (or left by a crash, to be resumed). */
  rebuild: { version: number; processed: number; total: number; updatedAt: string } | null;
}

export interface ServiceStatus {
  service: string;
  subscriptions: SubscriptionStatus[];
  timers?: TimerStatus;
  marketCalls?: MarketCallStatus;
  readModels?: ReadModelStatus[];
  error?: string;
}

// The services name their relays `...-relay`; the projector's orders.state.v1 publisher is `projector-order-state`.
const RELAY_NAME = /relay|^projector-order-state$/i;

/** One service's subscriptions (event-store `subscriptions` table, see its migration) and, where kept, its timers. */
export async function serviceStatus(target: StoreTarget): Promise<ServiceStatus> {
  try {
    return await withPool(target.connection, async (pool) => {
      const subscriptions = (await subscriptionOverview(pool, target.schema)).map((overview): SubscriptionStatus => ({
        service: target.service,
        kind: RELAY_NAME.test(overview.name) ? 'relay' : 'projection',
        ...overview,
      }));
      return {
        service: target.service,
        subscriptions,
        ...(await timers(pool, target.service)),
        ...(await marketCalls(pool, target.service)),
      };
    });
  } catch (error) {
    return {
      service: target.service,
      subscriptions: [],
      error: isMissingRelation(error) ? `no event store in schema ${target.schema}` : (error as Error).message,
    };
  }
}

/** marketplace-cancellations' `cancellation_timers` (its first migration); other services have none. */
async function timers(pool: import('pg').Pool, service: string): Promise<{ timers?: TimerStatus }> {
  try {
    const { rows } = await pool.query<{ scheduled: number; due: number; oldest: Date | null; failing: number }>(
      `SELECT count(*)::int AS scheduled, count(*) FILTER (WHERE due_at <= now())::int AS due,
              min(due_at) FILTER (WHERE due_at <= now()) AS oldest, count(*) FILTER (WHERE attempts > 0)::int AS failing
         FROM cancellation_timers WHERE state = 'SCHEDULED'`,
    );
    const r = rows[0] as { scheduled: number; due: number; oldest: Date | null; failing: number };
    return {
      timers: {
        service,
        scheduled: r.scheduled,
        due: r.due,
        oldestDueAt: r.oldest?.toISOString() ?? null,
        failing: r.failing,
      },
    };
  } catch (error) {
    if (isMissingRelation(error)) return {};
    throw error;
  }
}

const LAST_FAILURES = 5;

/**
 * marketplace-cancellations' `market_outbox` (its migration 1767900000000): the connector's calls to Market by state,
 * and the last ones that failed (refused, or waiting for another attempt after an error). Other services have none.
 */
async function marketCalls(pool: import('pg').Pool, service: string): Promise<{ marketCalls?: MarketCallStatus }> {
  try {
    const [counts, failures] = await Promise.all([
      pool.query<{ state: keyof MarketCallStatus['byState']; calls: number; retrying: number }>(
        `SELECT state, count(*)::int AS calls, count(*) FILTER (WHERE attempts > 0)::int AS retrying
           FROM market_outbox GROUP BY state`,
      ),
      pool.query<{
        campaign_id: string;
        order_id: string;
        operation: string;
        state: string;
        attempts: number;
        last_status: number | null;
        last_error: string;
        at: Date;
      }>(
        `SELECT campaign_id, order_id, operation, state, attempts, last_status, last_error,
                CASE WHEN state = 'REFUSED' THEN sent_at ELSE next_attempt_at END AS at
           FROM market_outbox WHERE state <> 'SENT' AND last_error IS NOT NULL
          ORDER BY CASE WHEN state = 'REFUSED' THEN sent_at ELSE next_attempt_at END DESC, id DESC
          LIMIT ${LAST_FAILURES}`,
      ),
    ]);
    const byState = { PENDING: 0, SENT: 0, REFUSED: 0 };
    let retrying = 0;
    for (const row of counts.rows) {
      byState[row.state] = row.calls;
      if (row.state === 'PENDING') retrying = row.retrying;
    }
    return {
      marketCalls: {
        service,
        byState,
        retrying,
        lastFailures: failures.rows.map((r) => ({
          campaignId: r.campaign_id,
          orderId: r.order_id,
          operation: r.operation,
          state: r.state,
          attempts: r.attempts,
          status: r.last_status,
          error: r.last_error,
          at: r.at.toISOString(),
        })),
      },
    };
  } catch (error) {
    if (isMissingRelation(error)) return {};
    throw error;
  }
}

/** A group's lag on one topic (summed over its partitions). */
export type GroupLag = TopicLag;

/**
 * Consumer-group lag per topic: the log end minus the committed offset (nothing committed: the whole log). The same
 * function as the projector's `GET /ops/consumer-lag` (the console's lag table), summed per topic.
 */
export async function consumerLag(brokers: string, prefix = ''): Promise<GroupLag[]> {
  return lagByTopic(await consumerGroupLag({ brokers, clientId: 'ops-cli', logLevel: 'nothing' }, { prefix }));
}

/**
 * The projector keeps no domain store, but its orders.state.v1 outbox is one (schema `state_outbox`, tailed by the
 * relay `projector-order-state`), and its read models have a serving version and maybe a rebuild under way
 * (`projections`, `rebuilds` of its migration). Its Kafka consumers show under consumer groups.
 */
export async function projectorStatus(
  connection: string,
  readModelSchema: string,
  outboxSchema: string,
): Promise<ServiceStatus> {
  const outbox = await serviceStatus({ service: 'projector', connection, schema: outboxSchema });
  if (outbox.error) return outbox;
  try {
    const readModels = await withPool(
      connection,
      async (pool) =>
        (
          await pool.query<{
            name: string;
            active_version: number;
            switched_at: Date;
            version: number | null;
            processed: string | null;
            total: string | null;
            updated_at: Date | null;
          }>(
            `SELECT p.name, p.active_version, p.switched_at, r.version, r.processed::text, r.total::text, r.updated_at
         FROM ${quoted(readModelSchema)}.projections p
         LEFT JOIN ${quoted(readModelSchema)}.rebuilds r ON r.projection = p.name AND r.status = 'running' ORDER BY p.name`,
          )
        ).rows,
    );
    return {
      ...outbox,
      readModels: readModels.map((r) => ({
        projection: r.name,
        servingVersion: r.active_version,
        switchedAt: r.switched_at.toISOString(),
        rebuild:
          r.version === null
            ? null
            : {
                version: r.version,
                processed: Number(r.processed),
                total: Number(r.total),
                updatedAt: (r.updated_at as Date).toISOString(),
              },
      })),
    };
  } catch (error) {
    return {
      ...outbox,
      error: isMissingRelation(error) ? `no read models in schema ${readModelSchema}` : (error as Error).message,
    };
  }
}
