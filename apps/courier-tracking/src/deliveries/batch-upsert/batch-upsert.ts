import { Injectable } from '@nestjs/common';
import { orderFieldViolations } from '@orders/delivery-domain';
import { EventStore, type CommandContext } from '@orders/event-store';
import { RequestValidationError } from '@orders/service-kit';
import { CreateOrder } from '../create-order/create-order';
import type { OrderBody } from '../order-fields';
import { idOfNumber } from '../order-numbers';
import { UpdateOrder } from '../update-order/update-order';

/** Upsert by number (D-YC-BATCH): every item is validated before any is written; each is a create or a patch. */
@Injectable()
export class BatchUpsertOrders {
  constructor(private readonly store: EventStore, private readonly createOrder: CreateOrder, private readonly updateOrder: UpdateOrder) {}

  async batch(companyId: string, items: readonly OrderBody[], context: CommandContext): Promise<{ inserted: number; updated: number }> {
    const violations = items.flatMap((item, index) => orderFieldViolations(item, 'create').map((v) => ({ ...v, field: `[${index}].${v.field}` })));
    if (violations.length > 0) throw new RequestValidationError(violations);
    let inserted = 0;
    let updated = 0;
    for (const [index, item] of items.entries()) {
      const itemContext = { ...context, idempotencyKey: context.idempotencyKey === undefined ? undefined : `${context.idempotencyKey}#${index}` };
      const existing = await idOfNumber(this.store.pool, companyId, item.number as string);
      if (existing) {
        await this.updateOrder.patch(companyId, existing, item, itemContext);
        updated++;
      } else {
        await this.createOrder.create(companyId, item, itemContext);
        inserted++;
      }
    }
    return { inserted, updated };
  }
}
