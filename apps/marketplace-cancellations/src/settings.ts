import { TOPIC } from '@orders/contracts';
import { DEFAULT_PARKED_DELIVERY_RETENTION_DAYS } from './orders/parked-delivery-pruning';

/** Tunables beyond the service kit's configuration, read once from the environment. */
export interface CancellationSettings {
  /** Market's limit for PUT …/cancellation/accept: requests per hour per campaign. */
  readonly decisionsPerHour: number;
  /** Market's global limit: parallel requests per campaign. */
  readonly parallelRequestsPerCampaign: number;
  /** How long an in-flight slot survives an instance that died holding it. */
  readonly inFlightLeaseMs: number;
  readonly timerPollMs: number;
  readonly timerBatchSize: number;
  /** Expire commands run at once per claimed batch (each takes a pooled connection). */
  readonly timerConcurrency: number;
  readonly notificationPollMs: number;
  readonly notificationBatchSize: number;
  /** Set to false to run the workers by hand (specs, benchmarks). */
  readonly runWorkers: boolean;
  /** The Kafka side (inbound consumer, outbound relay); off for specs and benchmarks of the HTTP side. */
  readonly kafka: boolean;
  readonly consumerGroup: string;
  /** Deletes parked deliveries no Market order claimed within the retention (see ParkedDeliveryPruner). */
  readonly parkedDeliveryPruning: boolean;
  readonly parkedDeliveryRetentionMs: number;
  readonly parkedDeliveryPruneIntervalMs: number;
  /** Topic names; the defaults are the catalogue's, specs use their own so runs never share a topic. */
  readonly topics: { readonly notifications: string; readonly deliveryEvents: string; readonly cancellationEvents: string };
}

export const CANCELLATION_SETTINGS = Symbol('CANCELLATION_SETTINGS');

const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${JSON.stringify(raw)}: must be a positive integer`);
  return value;
};

export function readCancellationSettings(env: NodeJS.ProcessEnv = process.env): CancellationSettings {
  return {
    decisionsPerHour: integer(env, 'MARKET_DECISIONS_PER_HOUR', 500),
    parallelRequestsPerCampaign: integer(env, 'MARKET_PARALLEL_REQUESTS', 4),
    inFlightLeaseMs: integer(env, 'MARKET_IN_FLIGHT_LEASE_MS', 60_000),
    timerPollMs: integer(env, 'CANCELLATION_TIMER_POLL_MS', 1000),
    timerBatchSize: integer(env, 'CANCELLATION_TIMER_BATCH', 100),
    timerConcurrency: integer(env, 'CANCELLATION_TIMER_CONCURRENCY', 8),
    notificationPollMs: integer(env, 'NOTIFICATION_POLL_MS', 500),
    notificationBatchSize: integer(env, 'NOTIFICATION_BATCH', 50),
    runWorkers: env.CANCELLATION_WORKERS !== 'off',
    kafka: env.MARKETPLACE_KAFKA !== 'off',
    parkedDeliveryPruning: env.PARKED_DELIVERY_PRUNING !== 'off',
    parkedDeliveryRetentionMs: integer(env, 'PARKED_DELIVERY_RETENTION_DAYS', DEFAULT_PARKED_DELIVERY_RETENTION_DAYS) * 86_400_000,
    parkedDeliveryPruneIntervalMs: integer(env, 'PARKED_DELIVERY_PRUNE_INTERVAL_MS', 3_600_000),
    consumerGroup: env.MARKETPLACE_CONSUMER_GROUP || 'marketplace-cancellations',
    topics: {
      notifications: env.MARKETPLACE_NOTIFICATIONS_TOPIC || TOPIC.marketplaceNotifications,
      deliveryEvents: env.COURIER_DELIVERY_EVENTS_TOPIC || TOPIC.deliveryEvents,
      cancellationEvents: env.MARKETPLACE_CANCELLATION_EVENTS_TOPIC || TOPIC.cancellationEvents,
    },
  };
}
