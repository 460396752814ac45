import { Inject, Injectable } from '@nestjs/common';
import {
  MARKETPLACE_ORDER_STREAM_TYPE,
  marketplaceOrderDecider,
  marketplaceOrderStreamId,
  type MarketplaceOrder,
  type MarketplaceOrderCommand,
} from '@orders/cancellations-domain';
import {
  EventStore, commandMetadataOf, type BatchCommandResult, type CommandContext, type CommandResult,
  type HandleManyOptions,
} from '@orders/event-store';
import { Clock } from '@orders/service-kit';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import type { OrderRef } from './order-ref';
import { countCancellationEvents } from '../marketplace-cancellations.metrics';
import { MarketOutboxSignal, marketCallsFor, writeMarketCalls } from '../market-connector/market-outbox';

type Data<T extends MarketplaceOrderCommand['type']> = Extract<MarketplaceOrderCommand, { type: T }>['data'];

/** The one way into MarketplaceOrder streams: time from the injected clock, ids and actor from the edge. */
@Injectable()
export class MarketplaceOrders {
  private readonly handler;

  constructor(
    readonly store: EventStore,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
    private readonly outbox: MarketOutboxSignal,
  ) {
    this.handler = store.commandHandler({
      decider: marketplaceOrderDecider,
      streamType: MARKETPLACE_ORDER_STREAM_TYPE,
      snapshot: { every: 50, version: 4 },
    }); // 2: the state knows deliveredAt; 3: detailsAsOf; 4: refusedByMarket
  }

  async execute<T extends MarketplaceOrderCommand['type']>(
    type: T, data: Data<T>, context: CommandContext,
  ): Promise<CommandResult<MarketplaceOrder>> {
    const now = this.clock.now();
    const command = { type, data, metadata: commandMetadataOf(context, now) } as MarketplaceOrderCommand;
    // The calls to Market these events ask for commit with them (the outbox), for connected campaigns only.
    let wroteCalls = false;
    const connected = this.settings.marketCampaigns.has(data.campaignId);
    const result = await this.handler.handle(marketplaceOrderStreamId(data.campaignId, data.orderId), command, {
      expectedVersion: context.expectedVersion, within: context.tx,
      alongside: connected ? async (tx, appended) => {
        const calls = marketCallsFor(data, appended.events);
        await writeMarketCalls(tx, calls, now);
        wroteCalls = calls.length > 0;
      } : undefined,
    });
    if (!result.idempotentReplay) countCancellationEvents(result.events);
    if (wroteCalls) this.outbox.written();
    return result;
  }

  /**
   * Commands of one type on many orders (one per order), decided one by one and appended in one statement (the
   * Market calls they ask for in the same transaction): the timers' batches. Each command has its own outcome; a
   * conflict on one order retries only that order. No If-Match, caller transaction or idempotency key here.
   * `companion`: the caller's rows written by the append statement itself (HandleManyOptions.companion).
   */
  async executeMany<T extends MarketplaceOrderCommand['type']>(
    type: T, commands: readonly { data: Data<T>; context: CommandContext }[],
    options: Pick<HandleManyOptions<MarketplaceOrder>, 'companion'> = {},
  ): Promise<BatchCommandResult<MarketplaceOrder>[]> {
    const now = this.clock.now();
    const refOf = new Map<string, OrderRef>();
    const batch = commands.map(({ data, context }) => {
      const streamId = marketplaceOrderStreamId(data.campaignId, data.orderId);
      refOf.set(streamId, { campaignId: data.campaignId, orderId: data.orderId });
      const command = { type, data, metadata: commandMetadataOf(context, now) } as MarketplaceOrderCommand;
      return { streamId, command };
    });
    let wroteCalls = false;
    const connected = commands.some(({ data }) => this.settings.marketCampaigns.has(data.campaignId));
    const results = await this.handler.handleMany(batch, {
      companion: options.companion,
      alongside: connected ? async (tx, appended) => {
        const calls = appended.flatMap(({ streamId, events }) => {
          const ref = refOf.get(streamId) as OrderRef;
          return this.settings.marketCampaigns.has(ref.campaignId) ? marketCallsFor(ref, events) : [];
        });
        if (calls.length > 0) await writeMarketCalls(tx, calls, now);
        wroteCalls ||= calls.length > 0;
      } : undefined,
    });
    for (const result of results) if (result.ok) countCancellationEvents(result.result.events);
    if (wroteCalls) this.outbox.written();
    return results;
  }
}
