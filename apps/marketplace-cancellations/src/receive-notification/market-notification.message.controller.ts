import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { MARKET_NOTIFICATION_TYPES, storeNotificationPolicy } from './market-notification.policy';
import { NotificationInbox } from './notification-inbox';

/** Market notifications relayed on Kafka, in the runner's inbox transaction: into the inbox of POST /notification. */
@Controller()
export class MarketNotificationMessageController {
  constructor(private readonly inbox: NotificationInbox) {}

  @EventPattern<string[]>([...MARKET_NOTIFICATION_TYPES])
  async onMarketNotification(@Payload() payload: Record<string, unknown>, @Ctx() ctx: MessageContext): Promise<void> {
    await applyPolicy(storeNotificationPolicy(ctx.eventType, payload), async (notification) => {
      await this.inbox.save(notification, 'KAFKA', ctx.tx);
    });
  }
}
