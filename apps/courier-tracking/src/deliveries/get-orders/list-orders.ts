import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { PersonalRecord, StoredView, toOrderResponse } from '../delivery-view';
import { OrderIds } from '../order-ids';
import type { OrderResponse } from '../order-responses';
import { pointOpener } from '../sealed-positions';

/** A company's orders from the delivery-detail read model, personal data joined from the sealed records. */
@Injectable()
export class ListOrders {
  constructor(
    private readonly store: EventStore, private readonly vault: PersonalDataVault, private readonly ids: OrderIds,
  ) {}

  async list(companyId: string, query: { number?: string; route_id?: string; page?: number; per_page?: number }): Promise<OrderResponse[]> {
    const perPage = query.per_page ?? 1000;
    const offset = ((query.page ?? 1) - 1) * perPage;
    const { rows } = await this.store.pool.query<{ view: StoredView }>(
      `SELECT view FROM delivery_details WHERE company_id = $1 AND ($2::text IS NULL OR number = $2) AND ($3::text IS NULL OR route_id = $3)
       ORDER BY created_at, delivery_id LIMIT $4 OFFSET $5`,
      [companyId, query.number ?? null, query.route_id ?? null, perPage, offset],
    );
    const subjects = await this.vault.openSubjects<PersonalRecord>(rows.map((row) => row.view.pii_ref));
    const orderIds = await this.ids.of(companyId, rows.map((row) => row.view.id));
    return rows.map((row) => {
      const subject = subjects.get(row.view.pii_ref);
      return toOrderResponse(row.view, subject?.record, pointOpener(subject), orderIds.get(row.view.id) as number);
    });
  }
}
