import { Injectable } from '@nestjs/common';
import {
  MARKETPLACE_ORDER_STREAM_TYPE,
  marketplaceOrderDecider,
  marketplaceOrderStreamId,
  type MarketplaceOrder,
  type MarketplaceOrderCommand,
} from '@orders/cancellations-domain';
import { EventStore, commandMetadataOf, type CommandContext, type CommandResult } from '@orders/event-store';
import { Clock } from '@orders/service-kit';
import { countCancellationEvents } from '../marketplace-cancellations.metrics';

type Data<T extends MarketplaceOrderCommand['type']> = Extract<MarketplaceOrderCommand, { type: T }>['data'];

/** The one way into MarketplaceOrder streams: time from the injected clock, ids and actor from the edge. */
@Injectable()
export class MarketplaceOrders {
  private readonly handler;

  constructor(
    readonly store: EventStore,
    private readonly clock: Clock,
  ) {
    this.handler = store.commandHandler({
      decider: marketplaceOrderDecider,
      streamType: MARKETPLACE_ORDER_STREAM_TYPE,
      snapshot: { every: 50, version: 3 },
    }); // 2: the state knows deliveredAt; 3: detailsAsOf
  }

  async execute<T extends MarketplaceOrderCommand['type']>(
    type: T, data: Data<T>, context: CommandContext,
  ): Promise<CommandResult<MarketplaceOrder>> {
    const command = { type, data, metadata: commandMetadataOf(context, this.clock.now()) } as MarketplaceOrderCommand;
    const result = await this.handler.handle(marketplaceOrderStreamId(data.campaignId, data.orderId), command, {
      expectedVersion: context.expectedVersion, within: context.tx,
    });
    if (!result.idempotentReplay) countCancellationEvents(result.events);
    return result;
  }
}
