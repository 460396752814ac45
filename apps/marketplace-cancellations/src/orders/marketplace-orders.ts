import { Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import {
  MARKETPLACE_ORDER_STREAM_TYPE, marketplaceOrderDecider, marketplaceOrderStreamId, type MarketplaceOrder, type MarketplaceOrderCommand,
} from '@orders/cancellations-domain';
import { EventStore, type CommandResult } from '@orders/event-store';
import { Clock } from '../clock';

type Data<T extends MarketplaceOrderCommand['type']> = Extract<MarketplaceOrderCommand, { type: T }>['data'];

export interface CommandContext {
  readonly actor: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly idempotencyKey?: string;
  /** An If-Match: decide only on this stream version. */
  readonly expectedVersion?: number;
}

/** The one way into MarketplaceOrder streams: time from the injected clock, ids and actor from the edge. */
@Injectable()
export class MarketplaceOrders {
  private readonly handler;

  constructor(readonly store: EventStore, private readonly clock: Clock) {
    this.handler = store.commandHandler({ decider: marketplaceOrderDecider, streamType: MARKETPLACE_ORDER_STREAM_TYPE, snapshot: { every: 50, version: 2 } }); // 2: the state knows deliveredAt
  }

  execute<T extends MarketplaceOrderCommand['type']>(type: T, data: Data<T>, context: CommandContext): Promise<CommandResult<MarketplaceOrder>> {
    const metadata: CommandMetadata = {
      now: this.clock.now().toISOString(),
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.causationId,
      idempotencyKey: context.idempotencyKey,
    };
    const command = { type, data, metadata } as MarketplaceOrderCommand;
    return this.handler.handle(marketplaceOrderStreamId(data.campaignId, data.orderId), command, { expectedVersion: context.expectedVersion });
  }
}
