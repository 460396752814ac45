import type { Command, Decider, Event } from '@orders/decider-kit';
import { isDomainError } from '@orders/decider-kit';
import { deliveryDecider } from '@orders/delivery-domain';
import { externalOrderDecider } from '@orders/ordering-domain';
import { marketplaceOrderDecider } from '@orders/cancellations-domain';
import type { RecordedEvent } from '@orders/event-store';
import { createCommandHandler, type CommandHandler } from '@orders/event-store/src/command-handler';
import { ConcurrencyError } from '@orders/event-store/src/errors';
import { MemoryEventStore } from './memory-event-store';
import {
  cancelDeliveryPolicy,
  cancelIntakeOrderPolicy,
  createDeliveryPolicy,
  deliveryFinishedPolicy,
  type Decision,
  type PolicyOptions,
} from './policies';
import { OrderSummaryProjection } from './projection';
import { MemoryTransport, type Crash, type HandlerOutcome, type SimMessage } from './transport';

export type Service = 'intake' | 'courier' | 'market';
export type Outcome = 'appended' | 'noop' | 'replay' | 'refused' | 'conflict';

export const CAMPAIGN = '1001';
export const START_TIME = Date.parse('2026-03-02T07:00:00.000Z');
const TOPIC: Record<Service, string> = {
  intake: 'intake.order-events.v1',
  courier: 'courier.delivery-events.v1',
  market: 'marketplace.cancellation-events.v1',
};
const STREAM_TYPE: Record<Service, string> = {
  intake: 'external_order',
  courier: 'delivery',
  market: 'marketplace_order',
};

export interface SimOrder {
  readonly index: number;
  readonly orderId: string;
  readonly marketOrderId: string;
  readonly intakeStream: string;
  readonly deliveryStream: string;
  readonly marketStream: string;
}

export interface WorldOptions extends PolicyOptions {
  /** Market may report any status after it cancelled an order (off: Market's cancelled is final, as it is there). */
  readonly marketChaos?: boolean;
  /** Injected bug: the store ignores expected versions (no optimistic concurrency). */
  readonly buggyStore?: boolean;
}

export interface Timer {
  readonly requestId: string;
  readonly streamId: string;
  readonly orderId: string;
  readonly deadlineAt: number;
  fired: boolean;
}

/**
 * The three services in one process: each one's command handler (the real `createCommandHandler` over the real
 * decider) on one shared in-memory store, its relay to the transport, its consumers running the policies, the
 * marketplace timers and the order summary projection. Every source of time is `clock.now`.
 */
export class World {
  readonly clock = { now: START_TIME };
  readonly store: MemoryEventStore;
  readonly transport: MemoryTransport;
  readonly orders: SimOrder[] = [];
  private readonly byStream = new Map<string, SimOrder>();
  private readonly byOrderId = new Map<string, SimOrder>();
  private readonly handlers: Record<Service, CommandHandler<Command, unknown>>;
  readonly relays: Record<Service, number> = { intake: 0, courier: 0, market: 0 };
  readonly timers = new Map<string, Timer>();
  private timerCheckpoint = 0;
  /** Appends each timer's command made (not replays): "timers fire once" reads it. */
  readonly timerEffects = new Map<string, number>();
  readonly projection = new OrderSummaryProjection((streamId) => this.byStream.get(streamId)?.orderId);
  /** Set to print what each command and message did (a shrunk reproduction's resolved steps). */
  trace?: (line: string) => void;
  readonly stats = {
    commands: 0,
    appended: 0,
    refused: 0,
    conflicts: 0,
    delivered: 0,
    duplicates: 0,
    crashes: 0,
    ignored: 0,
    deadLetters: 0,
  };

  constructor(
    partitions: number,
    readonly options: WorldOptions = {},
  ) {
    this.store = new MemoryEventStore(() => this.clock.now, options.buggyStore);
    this.transport = new MemoryTransport(partitions);
    // conflictRetries 0: the handler's retry sleeps on a real timer with Math.random; the simulator retries instead
    // (a consumer redelivers, an operator repeats), which keeps every schedule reproducible.
    const handler = <C extends Command, E extends Event, S>(decider: Decider<C, E, S>, streamType: string) =>
      createCommandHandler(this.store, { decider, streamType, conflictRetries: 0 }) as unknown as CommandHandler<
        Command,
        unknown
      >;
    this.handlers = {
      intake: handler(externalOrderDecider, 'external_order'),
      courier: handler(deliveryDecider, 'delivery'),
      market: handler(marketplaceOrderDecider, 'marketplace_order'),
    };
    this.transport.subscribe('courier', TOPIC.intake, (m) =>
      this.consume('courier', m, createDeliveryPolicy(m), 'ExternalOrderAccepted'),
    );
    this.transport.subscribe('courier', TOPIC.market, (m) =>
      this.consume(
        'courier',
        m,
        cancelDeliveryPolicy(m, (id) => this.store.stream(`delivery-${id}`).length > 0),
        'MarketplaceOrderCancelled',
      ),
    );
    this.transport.subscribe('market', TOPIC.courier, (m) =>
      this.consume(
        'market',
        m,
        deliveryFinishedPolicy(m, (id) => this.marketOf(id), this.options),
        'DeliveryFinished',
      ),
    );
    this.transport.subscribe('intake', TOPIC.market, (m) =>
      this.consume(
        'intake',
        m,
        cancelIntakeOrderPolicy(m, (id) =>
          this.store.stream(`external_order-${id}`).length > 0 ? CAMPAIGN : undefined,
        ),
        'CancellationAccepted',
        'CancellationExpired',
      ),
    );
  }

  private isoAt = { now: Number.NaN, iso: '' };

  /** The clock as commands carry it; formatted once per clock value (most steps do not move it). */
  get iso(): string {
    if (this.isoAt.now !== this.clock.now)
      this.isoAt = { now: this.clock.now, iso: new Date(this.clock.now).toISOString() };
    return this.isoAt.iso;
  }

  /** An order id outside the list steps pick from (its number counts down from the top, never colliding). */
  strayOrder(): SimOrder {
    this.strays += 1;
    return this.makeOrder(1_000_000 - this.strays);
  }

  newOrder(): SimOrder {
    const order = this.makeOrder(this.orders.length);
    this.orders.push(order);
    return order;
  }

  private strays = 0;

  private makeOrder(index: number): SimOrder {
    const orderId = `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
    const marketOrderId = String(70_000 + index);
    const order = {
      index,
      orderId,
      marketOrderId,
      intakeStream: `external_order-${orderId}`,
      deliveryStream: `delivery-${orderId}`,
      marketStream: `marketplace_order-${CAMPAIGN}-${marketOrderId}`,
    };
    for (const stream of [order.intakeStream, order.deliveryStream, order.marketStream])
      this.byStream.set(stream, order);
    this.byOrderId.set(orderId, order);
    return order;
  }

  order(orderId: string): SimOrder | undefined {
    return this.byOrderId.get(orderId);
  }

  orderOfStream(streamId: string): SimOrder | undefined {
    return this.byStream.get(streamId);
  }

  private marketOf(orderId: string) {
    const order = this.byOrderId.get(orderId);
    return order && { streamId: order.marketStream, campaignId: CAMPAIGN, orderId: order.marketOrderId };
  }

  /** One command through the service's real command handler; a broken rule or a conflict is an outcome, not a crash. */
  async execute(
    service: Service,
    streamId: string,
    command: Pick<Command, 'type' | 'data'>,
    actor: string,
    options: { idempotencyKey?: string; expectedVersion?: number; causationId?: string } = {},
  ): Promise<Outcome> {
    this.stats.commands += 1;
    const full: Command = {
      ...command,
      metadata: { now: this.iso, actor, idempotencyKey: options.idempotencyKey, causationId: options.causationId },
    };
    try {
      const result = await this.handlers[service].handle(streamId, full, { expectedVersion: options.expectedVersion });
      const outcome = result.idempotentReplay ? 'replay' : result.events.length === 0 ? 'noop' : 'appended';
      if (outcome === 'appended') this.stats.appended += 1;
      this.trace?.(
        `   ${actor}: ${command.type} ${streamId}${options.expectedVersion === undefined ? '' : ` @v${options.expectedVersion}`} → ${outcome} ${result.events
          .map((e) => e.type)
          .join(',')}`,
      );
      return outcome;
    } catch (error) {
      const outcome = error instanceof ConcurrencyError ? 'conflict' : isDomainError(error) ? 'refused' : undefined;
      if (outcome === undefined) throw error;
      if (outcome === 'conflict') this.stats.conflicts += 1;
      else this.stats.refused += 1;
      this.trace?.(`   ${actor}: ${command.type} ${streamId} → ${outcome} ${(error as { code?: string }).code ?? ''}`);
      return outcome;
    }
  }

  private async consume(
    group: Service,
    message: SimMessage,
    decision: Decision<unknown>,
    ...types: string[]
  ): Promise<HandlerOutcome> {
    if (!types.includes(message.type)) return 'done';
    if (decision.kind === 'ignore') {
      this.stats.ignored += 1;
      return 'done';
    }
    const { streamId, command, actor } = decision.routed;
    const outcome = await this.execute(group, streamId, command, actor, {
      idempotencyKey: `${group}:${message.id}`,
      causationId: message.id,
    });
    if (outcome === 'conflict') return 'retry';
    if (outcome === 'refused') this.stats.deadLetters += 1; // a pure decision will not change on retry: dead-lettered
    return 'done';
  }

  /** One service's relay publishes up to `max` of its events; a crash before its checkpoint publishes them again later. */
  relay(service: Service, max: number, crash: boolean): number {
    const from = this.relays[service];
    const events = this.store.after(from, max);
    let published = 0;
    for (const event of events) {
      if (event.streamType !== STREAM_TYPE[service]) continue;
      const message = this.toMessage(service, event);
      if (message) {
        this.transport.publish(message);
        published += 1;
      }
    }
    if (!crash) this.relays[service] = from + events.length;
    return published;
  }

  /** The mappers (apps/*\/src/integration/*mapper*.ts), reduced to the messages the policies read. */
  private toMessage(service: Service, event: RecordedEvent): SimMessage | undefined {
    const order = this.byStream.get(event.streamId);
    if (!order) return undefined;
    const data = event.data as Record<string, unknown>;
    const message = (type: string, payload: Record<string, unknown>): SimMessage => ({
      id: event.eventId,
      topic: TOPIC[service],
      key: order.orderId,
      type,
      payload,
    });
    switch (event.type) {
      case 'ExternalOrderAccepted':
        return message('ExternalOrderAccepted', data);
      case 'DeliveryStatusChanged':
        return data.to === 'finished'
          ? message('DeliveryFinished', { orderId: order.orderId, deliveredAt: data.at })
          : undefined;
      case 'CancellationAccepted':
        return message('CancellationAccepted', {
          platformOrderId: order.orderId,
          companyId: CAMPAIGN,
          requestId: data.requestId,
        });
      case 'CancellationAutoAccepted':
        return message('CancellationExpired', {
          platformOrderId: order.orderId,
          companyId: CAMPAIGN,
          requestId: data.requestId,
        });
      case 'MarketplaceOrderCancelled':
        // As cancellation-events.mapper.ts publishes it: the contract names Market's own cancellation MARKET.
        return message('MarketplaceOrderCancelled', {
          platformOrderId: order.orderId,
          cause: data.cause === 'MARKETPLACE' ? 'MARKET' : data.cause,
        });
      default:
        return undefined;
    }
  }

  /** The timer schedule's subscription: a requested cancellation gets a durable timer at its deadline. */
  scheduleTimers(): void {
    for (const event of this.store.after(this.timerCheckpoint)) {
      if (event.type !== 'CancellationRequested') continue;
      const data = event.data as { requestId: string; deadlineAt: string };
      const order = this.byStream.get(event.streamId) as SimOrder;
      if (!this.timers.has(data.requestId)) {
        this.timers.set(data.requestId, {
          requestId: data.requestId,
          streamId: event.streamId,
          orderId: order.marketOrderId,
          deadlineAt: Date.parse(data.deadlineAt),
          fired: false,
        });
      }
    }
    this.timerCheckpoint = this.store.position;
  }

  /** The timer worker: fires the earliest due timer; a crash after its command leaves it due, to fire again. */
  async fireTimer(crash: Crash): Promise<boolean> {
    let due: Timer | undefined;
    for (const timer of this.timers.values()) {
      if (!timer.fired && timer.deadlineAt <= this.clock.now && (!due || timer.deadlineAt < due.deadlineAt))
        due = timer;
    }
    if (!due) return false;
    const outcome = await this.execute(
      'market',
      due.streamId,
      {
        type: 'ExpireCancellationRequest',
        data: { campaignId: CAMPAIGN, orderId: due.orderId, requestId: due.requestId },
      },
      'timer',
      { idempotencyKey: `timer:${due.requestId}` },
    );
    if (outcome === 'appended') this.timerEffects.set(due.requestId, (this.timerEffects.get(due.requestId) ?? 0) + 1);
    if (outcome === 'conflict' || crash !== 'none') return true;
    due.fired = true;
    return true;
  }

  project(max: number, touched: Set<string>): void {
    this.projection.apply(this.store.after(this.projection.checkpoint, max), touched);
  }

  /** Delivers one pending message (the PRNG picked which partition); see MemoryTransport.deliver. */
  async deliver(consumer: number, partition: number, crash: Crash): Promise<void> {
    const report = await this.transport.deliver(consumer, partition, crash);
    this.trace?.(
      `   ${report.group} ← ${report.message.type} ${report.message.key}: ${report.outcome}${crash === 'none' ? '' : ` (crash ${crash})`}`,
    );
    this.stats.delivered += 1;
    if (report.outcome === 'duplicate') this.stats.duplicates += 1;
    if (report.outcome === 'crashed') this.stats.crashes += 1;
  }

  /** Nothing left to relay, deliver, project or fire (timers not yet due are not work). */
  idle(): boolean {
    const position = this.store.position;
    return (
      this.relays.intake === position &&
      this.relays.courier === position &&
      this.relays.market === position &&
      this.transport.backlog().length === 0 &&
      this.projection.checkpoint === position &&
      this.timerCheckpoint === position &&
      ![...this.timers.values()].some((t) => !t.fired && t.deadlineAt <= this.clock.now)
    );
  }
}
