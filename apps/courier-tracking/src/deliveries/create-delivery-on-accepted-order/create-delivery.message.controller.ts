import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ExternalOrderAcceptedV1 } from '@orders/contracts';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { PersonalDataVault } from '@orders/personal-data';
import { SettingsService } from '../../settings/settings.service';
import { DeliveryCommands, policyContextOf } from '../delivery-commands';
import { createDeliveryPolicy } from './create-delivery.policy';

/**
 * Policy P2's handler (courier-tracking's consumer group): intake accepted an order, so its delivery is created.
 * Loads the company's settings, asks the pure policy, and runs the command inside the inbox transaction.
 */
@Controller()
export class CreateDeliveryMessageController {
  private readonly logger = new Logger('CourierPolicies');

  constructor(private readonly commands: DeliveryCommands, private readonly settings: SettingsService, private readonly vault: PersonalDataVault) {}

  @EventPattern<string>('ExternalOrderAccepted')
  async onOrderAccepted(@Payload() accepted: ExternalOrderAcceptedV1, @Ctx() ctx: MessageContext): Promise<void> {
    const { depot_id: _depot, ...settings } = await this.settings.deliverySettings(accepted.tenantId, null, null);
    await applyPolicy(createDeliveryPolicy(accepted, settings), async ({ type, data }) => {
      const ref = { companyId: accepted.tenantId, deliveryId: accepted.orderId };
      await this.commands.execute(ref, type, data, policyContextOf(ctx), async (writes) => {
        await writes.query('INSERT INTO order_numbers (company_id, number, delivery_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [accepted.tenantId, data.order.number, accepted.orderId]);
        await this.vault.seal(accepted.orderId, {}, writes);
      });
    }, (reason) => this.logger.warn(`ExternalOrderAccepted ignored: ${reason}`));
  }
}
