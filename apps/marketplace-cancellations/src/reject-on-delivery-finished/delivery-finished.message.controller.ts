import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { DeliveryFinishedV1 } from '@orders/contracts';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { Clock } from '@orders/service-kit';
import { marketOrderOfFinishedDelivery } from '../marketplace-orders/market-order-ids';
import { MarketplaceOrders } from '../marketplace-orders/marketplace-orders';
import { deliveryFinishedPolicy } from './delivery-finished.policy';
import { recordDeliveryFinished } from './record-delivery-finished';

/** courier-tracking's DeliveryFinished (policy P1), inside the runner's inbox transaction. */
@Controller()
export class DeliveryFinishedMessageController {
  constructor(private readonly orders: MarketplaceOrders, private readonly clock: Clock) {}

  /**
   * The Market order is found by the delivery's id (the platform order id) in market_order_ids, written before any
   * event of the order; a delivery of an order Market has not told us of yet is parked there for its first request.
   * Nothing is read from the read model, so nothing depends on how far it lags.
   */
  @EventPattern<string>('DeliveryFinished')
  async onDeliveryFinished(@Payload() finished: DeliveryFinishedV1, @Ctx() ctx: MessageContext): Promise<void> {
    await applyPolicy(deliveryFinishedPolicy(finished, ctx.eventId), async ({ platformOrderId, campaignId, delivery }) => {
      const ref = await marketOrderOfFinishedDelivery(ctx.tx, platformOrderId, delivery, this.clock.now());
      if (ref?.campaignId === campaignId) await recordDeliveryFinished(this.orders, ref, delivery);
    });
  }
}
