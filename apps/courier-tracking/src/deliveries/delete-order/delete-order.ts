import { Injectable } from '@nestjs/common';
import type { CommandContext } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { DeliveryCommands } from '../delivery-commands';
import { releaseNumber } from '../order-numbers';
import { OrderResponse, OrderResponses } from '../order-responses';

/** Deletes a Track & Trace order, with the erasure of its personal data. */
@Injectable()
export class DeleteOrder {
  constructor(private readonly commands: DeliveryCommands, private readonly vault: PersonalDataVault, private readonly responses: OrderResponses) {}

  /** Answers the order as it was (S-YC), then the events, the number and the sealed record's key are gone together. */
  async delete(companyId: string, id: string, context: CommandContext): Promise<OrderResponse> {
    const before = await this.responses.respond(id, companyId);
    const ref = { companyId, deliveryId: id };
    await this.commands.execute(ref, 'DeleteDelivery', { deleted_by: context.actor }, context, async (tx, { events }) => {
      await releaseNumber(tx, id);
      const erased = events.find((event) => event.type === 'PersonalDataErased');
      if (erased) await this.vault.erase(erased.data.pii_ref, tx);
    });
    return before;
  }
}
