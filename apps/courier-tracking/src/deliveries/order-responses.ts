import { Injectable } from '@nestjs/common';
import { DeliveryNotFound } from '@orders/delivery-domain';
import { PersonalDataVault } from '@orders/personal-data';
import { DeliveryCommands } from './delivery-commands';
import { PersonalRecord, toOrderResponse } from './delivery-view';
import { OrderIds } from './order-ids';
import { pointOpener } from './sealed-positions';

/** A Track & Trace order as the API answers it: the view with the personal data joined. */
export type OrderResponse = Record<string, unknown>;

/**
 * The answer of every order and iiko route: the order folded from the log (read-your-writes), its sealed record and
 * the courier's sealed positions opened with one read of the key, and its Track & Trace integer id.
 */
@Injectable()
export class OrderResponses {
  constructor(
    private readonly commands: DeliveryCommands,
    private readonly vault: PersonalDataVault,
    private readonly ids: OrderIds,
  ) {}

  /** Another company's order answers 404, as an unknown one does: its existence is not revealed. */
  async respond(id: string, companyId: string): Promise<OrderResponse> {
    const view = await this.commands.view(id);
    if (!view || view.company_id !== companyId) throw new DeliveryNotFound();
    // One read of the key opens the record and the courier's sealed positions alike.
    const subject = (await this.vault.openSubjects<PersonalRecord>([view.pii_ref])).get(view.pii_ref);
    const orderId = (await this.ids.of(companyId, [view.id])).get(view.id) as number;
    return toOrderResponse(view, subject?.record, pointOpener(subject), orderId);
  }
}
