import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { DeliveryFinishedV1 } from '@orders/contracts';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { Clock } from '../clock';
import { NotificationInbox } from '../notifications/notification-inbox';
import { marketOrderOfFinishedDelivery } from '../orders/market-order-ids';
import { MarketplaceOrders } from '../orders/marketplace-orders';
import { recordDeliveryFinished } from './delivery-finished';
import { deliveryFinishedPolicy } from './delivery-finished.policy';
import { MARKET_NOTIFICATION_TYPES, storeNotificationPolicy } from './market-notification.policy';

/** The handlers of the service's consumer group, inside the runner's inbox transaction. */
@Controller()
export class InboundMessageController {
  constructor(private readonly inbox: NotificationInbox, private readonly orders: MarketplaceOrders, private readonly clock: Clock) {}

  @EventPattern<string[]>([...MARKET_NOTIFICATION_TYPES])
  async onMarketNotification(@Payload() payload: Record<string, unknown>, @Ctx() ctx: MessageContext): Promise<void> {
    await applyPolicy(storeNotificationPolicy(ctx.eventType, payload), async (notification) => {
      await this.inbox.save(notification, 'KAFKA', ctx.tx);
    });
  }

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
