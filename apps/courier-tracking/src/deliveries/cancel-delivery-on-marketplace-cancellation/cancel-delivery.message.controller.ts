import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { MarketplaceOrderCancelledV1 } from '@orders/contracts';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { DeliveryCommands, policyContextOf } from '../delivery-commands';
import { cancelDeliveryPolicy } from './cancel-delivery.policy';
import { deliveryIdOf } from './cancelled-delivery';

/**
 * Policy P3's handler (courier-tracking's consumer group): the marketplace cancelled an order, so its delivery is
 * cancelled. Checks that the delivery exists, asks the pure policy, and runs the command inside the inbox transaction.
 */
@Controller()
export class CancelDeliveryMessageController {
  constructor(private readonly commands: DeliveryCommands) {}

  @EventPattern<string>('MarketplaceOrderCancelled')
  async onMarketplaceOrderCancelled(@Payload() cancelled: MarketplaceOrderCancelledV1, @Ctx() ctx: MessageContext): Promise<void> {
    const deliveryExists = await this.commands.exists(deliveryIdOf(cancelled), cancelled.tenantId);
    await applyPolicy(cancelDeliveryPolicy(cancelled, { deliveryExists }), async ({ companyId, deliveryId, command }) => {
      await this.commands.execute({ companyId, deliveryId }, command.type, command.data, policyContextOf(ctx));
    });
  }
}
