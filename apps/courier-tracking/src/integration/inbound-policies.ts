import { Injectable, Logger } from '@nestjs/common';
import type { ExternalOrderAcceptedV1, MarketplaceOrderCancelledV1 } from '@orders/contracts';
import { toMajorUnits } from '@orders/delivery-domain';
import { isUuid } from '@orders/event-store';
import type { HandlerContext, InboundMessage } from '@orders/messaging';
import { PersonalDataVault } from '@orders/personal-data';
import { CommandContext, DeliveryCommands } from '../orders/delivery-commands';
import { SettingsService } from '../settings/settings.service';
import { deliveryIdOf } from './cancelled-delivery';

export const POLICY_MESSAGE_TYPES = ['ExternalOrderAccepted', 'MarketplaceOrderCancelled'] as const;

/** Without a requested time the window opens at acceptance; [P] 90 minutes for a courier, an hour either way. */
const ASAP_WINDOW_MS = 90 * 60_000;
const REQUESTED_WINDOW_MS = 60 * 60_000;

/**
 * Cross-service policies (architecture.md, domain.md §2.7 P2/P3), effects in the inbox transaction:
 * - intake accepted an order -> create its delivery under the same id and correlation, not yet located
 *   (intake carries no coordinates; a dispatcher completes it by PATCH);
 * - the marketplace cancelled an order -> cancel its delivery (the platform order id, `deliveryIdOf`) if still open, else record
 *   the conflict.
 */
@Injectable()
export class InboundPolicies {
  private readonly logger = new Logger(InboundPolicies.name);

  constructor(private readonly commands: DeliveryCommands, private readonly settings: SettingsService, private readonly vault: PersonalDataVault) {}

  async handle(message: InboundMessage, { tx }: HandlerContext): Promise<void> {
    const context: CommandContext = {
      actor: `policy:${message.type}`, correlationId: message.headers['correlation-id'] ?? message.id, causationId: message.id, tx,
    };
    if (message.type === 'ExternalOrderAccepted') await this.createDelivery(message.payload as ExternalOrderAcceptedV1, context);
    else if (message.type === 'MarketplaceOrderCancelled') await this.cancelDelivery(message.payload as MarketplaceOrderCancelledV1, context);
  }

  private async createDelivery(accepted: ExternalOrderAcceptedV1, context: CommandContext): Promise<void> {
    if (!isUuid(accepted.orderId)) {
      this.logger.warn(`ExternalOrderAccepted for ${accepted.orderId}: order ids of deliveries are UUIDs; ignored`);
      return;
    }
    const { depot_id: _depot, ...settings } = await this.settings.deliverySettings(accepted.tenantId, null, null);
    const start = Date.parse(accepted.requestedTime ?? accepted.acceptedAt);
    const end = start + (accepted.requestedTime ? REQUESTED_WINDOW_MS : ASAP_WINDOW_MS);
    const number = accepted.posOrderRef ?? accepted.orderId;
    const data = {
      delivery_id: accepted.orderId, company_id: accepted.tenantId, pii_ref: accepted.orderId, personal_data_fields: [], located: false,
      order: {
        number, time_interval: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
        // A T&T order is in rubles; the decider stores exactly these kopecks again (money.ts).
        service_type: accepted.serviceType, amount: toMajorUnits(accepted.amountMinor),
      },
      settings, initiator: 'user_api' as const, internal: true,
    };
    const ref = { companyId: accepted.tenantId, deliveryId: accepted.orderId };
    await this.commands.execute(ref, 'CreateDelivery', data, context, async (writes) => {
      await writes.query('INSERT INTO order_numbers (company_id, number, delivery_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [accepted.tenantId, number, accepted.orderId]);
      await this.vault.seal(accepted.orderId, {}, writes);
    });
  }

  private async cancelDelivery(cancelled: MarketplaceOrderCancelledV1, context: CommandContext): Promise<void> {
    // Only a delivery of the same company is ours to cancel; an order that never became a delivery needs nothing.
    const deliveryId = deliveryIdOf(cancelled);
    if (!(await this.commands.exists(deliveryId, cancelled.tenantId))) return;
    const ref = { companyId: cancelled.tenantId, deliveryId };
    await this.commands.execute(ref, 'CancelDeliveryForMarketplace', { cause: cancelled.cause }, context);
  }
}
