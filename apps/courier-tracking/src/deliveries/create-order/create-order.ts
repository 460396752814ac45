import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { uuidv7, type CommandContext } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { SettingsService } from '../../settings/settings.service';
import { DeliveryCommands } from '../delivery-commands';
import { OrderBody, assertValid, holdsPoint, split } from '../order-fields';
import { reserveNumber } from '../order-numbers';
import { OrderResponse, OrderResponses } from '../order-responses';

/**
 * A retried create (same Idempotency-Key) must find the order the first attempt made: the key, already scoped to
 * the caller, names the order id (a name-based UUID, version 8).
 */
function idFromKey(key: string): string {
  const hex = createHash('sha256').update(`courier-order:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Creates a Track & Trace order: the delivery's events, its number and its sealed record commit together. */
@Injectable()
export class CreateOrder {
  constructor(
    private readonly commands: DeliveryCommands,
    private readonly vault: PersonalDataVault,
    private readonly settings: SettingsService,
    private readonly responses: OrderResponses,
  ) {}

  async create(companyId: string, body: OrderBody, context: CommandContext): Promise<OrderResponse> {
    assertValid(body, 'create');
    const { facts, personal, personalFields } = split(body);
    const id = context.idempotencyKey ? idFromKey(context.idempotencyKey) : uuidv7();
    const piiRef = id;
    const deliverySettings = await this.settings.deliverySettings(
      companyId,
      (facts.route_id as string | null) ?? null,
      (facts.depot_id as string | null) ?? null,
    );
    const { depot_id: depotId, ...settings } = deliverySettings;
    const data = {
      delivery_id: id,
      company_id: companyId,
      pii_ref: piiRef,
      order: { ...facts, depot_id: depotId },
      personal_data_fields: personalFields,
      located: holdsPoint(personal),
      settings,
      initiator: 'user_api' as const,
    };
    await this.commands.execute({ companyId, deliveryId: id }, 'CreateDelivery', data, context, async (tx) => {
      await reserveNumber(tx, companyId, facts.number as string, id);
      await this.vault.seal(piiRef, personal, tx);
    });
    return this.responses.respond(id, companyId);
  }
}
