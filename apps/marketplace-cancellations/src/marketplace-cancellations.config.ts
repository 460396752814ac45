import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Min } from 'class-validator';
import { marketLimitsOf } from '@orders/contracts';
import {
  AddressRanges, IsAddressRanges, declareSettings, TOPIC_PREFIX_DEFAULTS, TopicPrefixVariables,
} from '@orders/service-kit';
import { DEFAULT_PARKED_DELIVERY_RETENTION_DAYS } from './prune-parked-deliveries/parked-delivery-pruning';
import { IsMarketCampaigns, parseMarketCampaigns, type MarketCampaign } from './market-connector/market-campaigns';
import { MarketplaceTopics } from './publishing/marketplace-topics';

/** Tunables beyond the service kit's configuration, validated and read by it at start-up. */
export interface CancellationSettings {
  /** Market's limit for PUT …/cancellation/accept: requests per hour per campaign. */
  readonly decisionsPerHour: number;
  /** Market's global limit: parallel requests per campaign (methods that set none of their own). */
  readonly parallelRequestsPerCampaign: number;
  /** Market's limits of GET …/orders and GET …/orders/{orderId}: parallel requests and requests per hour. */
  readonly ordersParallelRequests: number;
  readonly ordersPerHour: number;
  /** Where POST /notification is taken from (Market's published ranges by default). */
  readonly notificationSources: AddressRanges;
  /** Peers whose X-Forwarded-For is believed (a load balancer in front of the service); none by default. */
  readonly trustedProxies: AddressRanges;
  /** When set, POST /notification also needs `?token=<it>` (a secret in the URL given to Market). */
  readonly notificationToken?: string;
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
  /** Market's Partner API the connector calls (the embedded simulator under `npm start`). */
  readonly marketApiUrl: string;
  /** The connected campaigns and their Api-Keys (MARKET_CAMPAIGNS, a secret); none: the connector sends nothing. */
  readonly marketCampaigns: ReadonlyMap<string, MarketCampaign>;
  readonly marketOutboxPollMs: number;
  readonly marketOutboxBatchSize: number;
  /** How long a call to Market may take before it counts as failed (and is retried). */
  readonly marketCallTimeoutMs: number;
  /** How often the waiting-for-approval list is polled, so a lost notification is found before its deadline. */
  readonly marketReconcileIntervalMs: number;
  /** Topics and consumer group under TOPIC_PREFIX (empty in production; specs and e2e set their own). */
  readonly topics: MarketplaceTopics;
}

export const CANCELLATION_SETTINGS = Symbol('CANCELLATION_SETTINGS');

const SWITCH = ['on', 'off'] as const;

/** Market's limits of the methods we mirror, as its description says them: the defaults of the settings below. */
const decision = marketLimitsOf('acceptOrderCancellation');
const orders = marketLimitsOf('getOrders');

/** The addresses Market sends notifications from (its push-notifications page). */
export const MARKET_NOTIFICATION_RANGES = '5.45.207.0/25,141.8.142.0/25,5.255.253.0/25';

/** The service's variables, validated with the kit's at start-up: every bad one is named, then the process exits. */
class CancellationVariables extends TopicPrefixVariables {
  @Type(() => Number) @IsInt() @Min(1) MARKET_DECISIONS_PER_HOUR!: number;
  @Type(() => Number) @IsInt() @Min(1) MARKET_PARALLEL_REQUESTS!: number;
  @Type(() => Number) @IsInt() @Min(1) MARKET_ORDERS_PARALLEL_REQUESTS!: number;
  @Type(() => Number) @IsInt() @Min(1) MARKET_ORDERS_PER_HOUR!: number;
  @Type(() => Number) @IsInt() @Min(1) MARKET_IN_FLIGHT_LEASE_MS!: number;
  @IsAddressRanges() MARKET_NOTIFICATION_SOURCES!: string;
  @IsAddressRanges() MARKET_TRUSTED_PROXIES!: string;
  /** Empty (no token), or 16 to 256 visible ASCII characters: it travels in the URL Market is given. */
  @Matches(/^([\x21-\x7e]{16,256})?$/, { message: 'must be empty or 16 to 256 visible ASCII characters' })
  MARKET_NOTIFICATION_TOKEN!: string;
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
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL' })
  MARKET_API_URL!: string;
  @IsMarketCampaigns() MARKET_CAMPAIGNS!: string;
  @Type(() => Number) @IsInt() @Min(1) MARKET_OUTBOX_POLL_MS!: number;
  @Type(() => Number) @IsInt() @Min(1) MARKET_OUTBOX_BATCH!: number;
  @Type(() => Number) @IsInt() @Min(100) MARKET_CALL_TIMEOUT_MS!: number;
  @Type(() => Number) @IsInt() @Min(1000) MARKET_RECONCILE_INTERVAL_MS!: number;
}

/** Read by the service kit's configuration, the only reader of the environment; injectable as CANCELLATION_SETTINGS. */
export const cancellationSettings = declareSettings({
  token: CANCELLATION_SETTINGS,
  variables: CancellationVariables,
  secret: ['MARKET_NOTIFICATION_TOKEN', 'MARKET_CAMPAIGNS'],
  defaults: {
    MARKET_DECISIONS_PER_HOUR: String(decision.perHour),
    MARKET_PARALLEL_REQUESTS: String(decision.parallel),
    MARKET_ORDERS_PARALLEL_REQUESTS: String(orders.parallel),
    MARKET_ORDERS_PER_HOUR: String(orders.perHour),
    MARKET_IN_FLIGHT_LEASE_MS: '60000',
    MARKET_NOTIFICATION_SOURCES: MARKET_NOTIFICATION_RANGES,
    MARKET_TRUSTED_PROXIES: '',
    MARKET_NOTIFICATION_TOKEN: '',
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
    ...TOPIC_PREFIX_DEFAULTS,
    MARKET_API_URL: 'https://api.partner.market.yandex.ru',
    MARKET_CAMPAIGNS: '{}',
    MARKET_OUTBOX_POLL_MS: '500',
    MARKET_OUTBOX_BATCH: '20',
    MARKET_CALL_TIMEOUT_MS: '10000',
    // Market's 48 hours leave room: every 10 minutes costs 6 calls an hour of getOrders' 10,000.
    MARKET_RECONCILE_INTERVAL_MS: '600000',
  },
  build: (env): CancellationSettings => ({
    decisionsPerHour: env.MARKET_DECISIONS_PER_HOUR,
    parallelRequestsPerCampaign: env.MARKET_PARALLEL_REQUESTS,
    ordersParallelRequests: env.MARKET_ORDERS_PARALLEL_REQUESTS,
    ordersPerHour: env.MARKET_ORDERS_PER_HOUR,
    inFlightLeaseMs: env.MARKET_IN_FLIGHT_LEASE_MS,
    notificationSources: AddressRanges.parse(env.MARKET_NOTIFICATION_SOURCES),
    trustedProxies: AddressRanges.parse(env.MARKET_TRUSTED_PROXIES),
    notificationToken: env.MARKET_NOTIFICATION_TOKEN || undefined,
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
    topics: new MarketplaceTopics(env.TOPIC_PREFIX),
    marketApiUrl: env.MARKET_API_URL.replace(/\/+$/, ''),
    marketCampaigns: parseMarketCampaigns(env.MARKET_CAMPAIGNS),
    marketOutboxPollMs: env.MARKET_OUTBOX_POLL_MS,
    marketOutboxBatchSize: env.MARKET_OUTBOX_BATCH,
    marketCallTimeoutMs: env.MARKET_CALL_TIMEOUT_MS,
    marketReconcileIntervalMs: env.MARKET_RECONCILE_INTERVAL_MS,
  }),
});
