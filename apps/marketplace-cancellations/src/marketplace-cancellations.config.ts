import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Min } from 'class-validator';
import { declareSettings } from '@orders/service-kit';
import { DEFAULT_PARKED_DELIVERY_RETENTION_DAYS } from './prune-parked-deliveries/parked-delivery-pruning';
import { MarketplaceTopics } from './publishing/marketplace-topics';

/** Tunables beyond the service kit's configuration, validated and read by it at start-up. */
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
  /** Deletes parked deliveries no Market order claimed within the retention (see ParkedDeliveryPruner). */
  readonly parkedDeliveryPruning: boolean;
  readonly parkedDeliveryRetentionMs: number;
  readonly parkedDeliveryPruneIntervalMs: number;
  /** Topics and consumer group under MARKETPLACE_TOPIC_PREFIX (empty in production; specs and e2e set their own). */
  readonly topics: MarketplaceTopics;
}

export const CANCELLATION_SETTINGS = Symbol('CANCELLATION_SETTINGS');

const SWITCH = ['on', 'off'] as const;

/** The service's variables, validated with the kit's at start-up: every bad one is named, then the process exits. */
class CancellationVariables {
  @Type(() => Number) @IsInt() @Min(1) MARKET_DECISIONS_PER_HOUR!: number;
  @Type(() => Number) @IsInt() @Min(1) MARKET_PARALLEL_REQUESTS!: number;
  @Type(() => Number) @IsInt() @Min(1) MARKET_IN_FLIGHT_LEASE_MS!: number;
  @Type(() => Number) @IsInt() @Min(1) CANCELLATION_TIMER_POLL_MS!: number;
  @Type(() => Number) @IsInt() @Min(1) CANCELLATION_TIMER_BATCH!: number;
  @Type(() => Number) @IsInt() @Min(1) CANCELLATION_TIMER_CONCURRENCY!: number;
  @Type(() => Number) @IsInt() @Min(1) NOTIFICATION_POLL_MS!: number;
  @Type(() => Number) @IsInt() @Min(1) NOTIFICATION_BATCH!: number;
  @IsIn(SWITCH) CANCELLATION_WORKERS!: string;
  @IsIn(SWITCH) MARKETPLACE_KAFKA!: string;
  @IsIn(SWITCH) PARKED_DELIVERY_PRUNING!: string;
  @Type(() => Number) @IsInt() @Min(1) PARKED_DELIVERY_RETENTION_DAYS!: number;
  @Type(() => Number) @IsInt() @Min(1) PARKED_DELIVERY_PRUNE_INTERVAL_MS!: number;
  /** Prefixes the topics and the consumer group, so several environments (or test runs) share one cluster. */
  @Matches(/^[\w.-]{0,100}$/, { message: 'only letters, digits, ".", "_" and "-" are allowed' })
  MARKETPLACE_TOPIC_PREFIX!: string;
}

/** Read by the service kit's configuration, the only reader of the environment; injectable as CANCELLATION_SETTINGS. */
export const cancellationSettings = declareSettings({
  token: CANCELLATION_SETTINGS,
  variables: CancellationVariables,
  defaults: {
    MARKET_DECISIONS_PER_HOUR: '500',
    MARKET_PARALLEL_REQUESTS: '4',
    MARKET_IN_FLIGHT_LEASE_MS: '60000',
    CANCELLATION_TIMER_POLL_MS: '1000',
    CANCELLATION_TIMER_BATCH: '100',
    CANCELLATION_TIMER_CONCURRENCY: '8',
    NOTIFICATION_POLL_MS: '500',
    NOTIFICATION_BATCH: '50',
    CANCELLATION_WORKERS: 'on',
    MARKETPLACE_KAFKA: 'on',
    PARKED_DELIVERY_PRUNING: 'on',
    PARKED_DELIVERY_RETENTION_DAYS: String(DEFAULT_PARKED_DELIVERY_RETENTION_DAYS),
    PARKED_DELIVERY_PRUNE_INTERVAL_MS: '3600000',
    MARKETPLACE_TOPIC_PREFIX: '',
  },
  build: (env): CancellationSettings => ({
    decisionsPerHour: env.MARKET_DECISIONS_PER_HOUR,
    parallelRequestsPerCampaign: env.MARKET_PARALLEL_REQUESTS,
    inFlightLeaseMs: env.MARKET_IN_FLIGHT_LEASE_MS,
    timerPollMs: env.CANCELLATION_TIMER_POLL_MS,
    timerBatchSize: env.CANCELLATION_TIMER_BATCH,
    timerConcurrency: env.CANCELLATION_TIMER_CONCURRENCY,
    notificationPollMs: env.NOTIFICATION_POLL_MS,
    notificationBatchSize: env.NOTIFICATION_BATCH,
    runWorkers: env.CANCELLATION_WORKERS === 'on',
    kafka: env.MARKETPLACE_KAFKA === 'on',
    parkedDeliveryPruning: env.PARKED_DELIVERY_PRUNING === 'on',
    parkedDeliveryRetentionMs: env.PARKED_DELIVERY_RETENTION_DAYS * 86_400_000,
    parkedDeliveryPruneIntervalMs: env.PARKED_DELIVERY_PRUNE_INTERVAL_MS,
    topics: new MarketplaceTopics(env.MARKETPLACE_TOPIC_PREFIX),
  }),
});
