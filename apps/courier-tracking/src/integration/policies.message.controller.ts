import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ExternalOrderAcceptedV1, MarketplaceOrderCancelledV1 } from '@orders/contracts';
import type { CommandContext } from '@orders/event-store';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { PersonalDataVault } from '@orders/personal-data';
import { DeliveryCommands } from '../orders/delivery-commands';
import { SettingsService } from '../settings/settings.service';
import { cancelDeliveryPolicy } from './cancel-delivery.policy';
import { deliveryIdOf } from './cancelled-delivery';
import { createDeliveryPolicy } from './create-delivery.policy';

/**
 * The cross-service policies' handlers (courier-tracking's consumer group): each loads what its policy needs,
 * asks the pure policy, and runs the command inside the inbox transaction.
 */
@Controller()
export class PoliciesMessageController {
  private readonly logger = new Logger('CourierPolicies');

  constructor(private readonly commands: DeliveryCommands, private readonly settings: SettingsService, private readonly vault: PersonalDataVault) {}

  @EventPattern<string>('ExternalOrderAccepted')
  async onOrderAccepted(@Payload() accepted: ExternalOrderAcceptedV1, @Ctx() ctx: MessageContext): Promise<void> {
    const { depot_id: _depot, ...settings } = await this.settings.deliverySettings(accepted.tenantId, null, null);
    await applyPolicy(createDeliveryPolicy(accepted, settings), async ({ type, data }) => {
      const ref = { companyId: accepted.tenantId, deliveryId: accepted.orderId };
      await this.commands.execute(ref, type, data, policyContext(ctx), async (writes) => {
        await writes.query('INSERT INTO order_numbers (company_id, number, delivery_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [accepted.tenantId, data.order.number, accepted.orderId]);
        await this.vault.seal(accepted.orderId, {}, writes);
      });
    }, (reason) => this.logger.warn(`ExternalOrderAccepted ignored: ${reason}`));
  }

  @EventPattern<string>('MarketplaceOrderCancelled')
  async onMarketplaceOrderCancelled(@Payload() cancelled: MarketplaceOrderCancelledV1, @Ctx() ctx: MessageContext): Promise<void> {
    const deliveryExists = await this.commands.exists(deliveryIdOf(cancelled), cancelled.tenantId);
    await applyPolicy(cancelDeliveryPolicy(cancelled, { deliveryExists }), async ({ companyId, deliveryId, command }) => {
      await this.commands.execute({ companyId, deliveryId }, command.type, command.data, policyContext(ctx));
    });
  }
}

/**
 * A policy's command is caused by the message, in its correlation (else it starts one), recorded with the policy as
 * actor, and runs inside the message's inbox transaction; its time is the command handler's clock.
 */
function policyContext(ctx: MessageContext): CommandContext {
  return { actor: `policy:${ctx.eventType}`, correlationId: ctx.headers['correlation-id'] ?? ctx.eventId, causationId: ctx.eventId, tx: ctx.tx };
}
